package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// tmpPrefix marks files being written; List skips them.
const tmpPrefix = ".tmp-"

// Local is a Store in a folder of the local file system.
type Local struct {
	root string
}

// NewLocal returns the store rooted at dir (made absolute); the folder is
// created on the first Put or Check.
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: local folder %q: %w", dir, err)
	}
	return &Local{root: abs}, nil
}

func (l *Local) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Put writes to a temporary file beside the target, syncs it, renames it
// over the target and syncs the folder, so a crash leaves either the old
// or the new object.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	dst, err := l.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: put %s: %w", key, err)
	}
	tmp, err := createTemp(dir, tmpPrefix+filepath.Base(dst)+"-")
	if err != nil {
		return fmt.Errorf("store: put %s: %w", key, err)
	}
	if err := writeSynced(tmp, r, size); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("store: put %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("store: put %s: %w", key, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("store: put %s: sync folder: %w", key, err)
	}
	return nil
}

// fileMode is the mode of written files before the umask: datasets are
// read by other users and containers (0644 under the usual umask 022).
// os.CreateTemp would give 0600, which the rename would keep.
const fileMode = 0o666

// createTemp creates a new file in dir named prefix and a random suffix,
// with fileMode.
func createTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])), os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name in %s", dir)
}

// writeSynced copies exactly size bytes (all of r when size < 0) to f,
// then syncs and closes it.
func writeSynced(f *os.File, r io.Reader, size int64) error {
	var n int64
	var err error
	if size >= 0 {
		n, err = io.CopyN(f, r, size)
	} else {
		_, err = io.Copy(f, r)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("wrote %d of %d bytes: %w", n, size, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Get opens the file of key.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store: get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get %s: %w", key, err)
	}
	return f, nil
}

// List walks the folder under the prefix's directory part.
func (l *Local) List(ctx context.Context, prefix string) ([]Object, error) {
	start := l.root
	if dir := path.Dir(prefix + "x"); dir != "." {
		if err := checkKey(dir); err != nil {
			return nil, err
		}
		start = filepath.Join(l.root, filepath.FromSlash(dir))
	}
	var out []Object
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), tmpPrefix) {
			return ctx.Err()
		}
		rel, err := filepath.Rel(l.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Object{Key: key, Size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: list %q: %w", prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete removes the file of key.
func (l *Local) Delete(ctx context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: delete %s: %w", key, err)
	}
	return nil
}

// Check creates the folder and writes and removes a probe file in it.
func (l *Local) Check(ctx context.Context) error {
	if err := os.MkdirAll(l.root, 0o755); err != nil {
		return fmt.Errorf("store: output folder %s cannot be created: %w (check the path and permissions)", l.root, err)
	}
	f, err := os.CreateTemp(l.root, tmpPrefix+"probe-*")
	if err != nil {
		return fmt.Errorf("store: output folder %s is not writable: %w (check permissions)", l.root, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// URL is the file:// URL of key.
func (l *Local) URL(key string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(l.root, filepath.FromSlash(key)))}
	return u.String()
}
