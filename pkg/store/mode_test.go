//go:build unix

package store_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/store"
)

// TestLocalModesFollowTheUmask writes an object under umask 022 and 077:
// files must be readable by others unless the umask says otherwise, and
// folders listable.
func TestLocalModesFollowTheUmask(t *testing.T) {
	for _, tc := range []struct {
		umask         int
		file, folders fs.FileMode
	}{{umask: 0o022, file: 0o644, folders: 0o755}, {umask: 0o077, file: 0o600, folders: 0o700}} {
		old := syscall.Umask(tc.umask)
		root := filepath.Join(t.TempDir(), "out")
		st, err := store.NewLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		body := []byte("rows")
		err = st.Put(context.Background(), "job_id=j1/part-00000.parquet", bytes.NewReader(body), int64(len(body)))
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			path string
			want fs.FileMode
		}{{filepath.Join(root, "job_id=j1", "part-00000.parquet"), tc.file}, {filepath.Join(root, "job_id=j1"), tc.folders}, {root, tc.folders}} {
			fi, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != c.want {
				t.Errorf("umask %03o: %s has mode %03o, want %03o", tc.umask, c.path, got, c.want)
			}
		}
	}
}
