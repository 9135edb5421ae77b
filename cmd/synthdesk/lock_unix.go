//go:build unix

package main

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// canLock: a lock shows whether a store folder is in use.
const canLock = true

// lockDir takes the folder's lock without waiting; the lock is released by
// the returned function or when the process ends, however it ends.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errStoreInUse
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
