package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckKey checks that no accepted key resolves outside the root.
func FuzzCheckKey(f *testing.F) {
	for _, k := range []string{"a", "job_id=x/part-00000.parquet", "../x", "/abs", "a/../../b", "a//b", ""} {
		f.Add(k)
	}
	root := filepath.FromSlash("/root/of/store")
	f.Fuzz(func(t *testing.T, key string) {
		if checkKey(key) != nil {
			return
		}
		p := filepath.Join(root, filepath.FromSlash(key))
		if !strings.HasPrefix(p, root+string(filepath.Separator)) {
			t.Fatalf("key %q resolves to %s outside %s", key, p, root)
		}
	})
}
