package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The embedded NATS server keeps its store in a folder: a temporary one
// removed when the run ends, or --state-dir, kept so an interrupted run
// can be resumed. Each is locked while a run uses it, so two runs never
// share a store, and a temporary folder whose lock nobody holds was left
// by a process that was killed (kill -9 runs no cleanup): the next run
// removes it.

// tempStorePrefix names the temporary store folders under os.TempDir.
const tempStorePrefix = "synthdesk-nats-"

// lockName is the lock file inside a store folder.
const lockName = "synthdesk.lock"

// errStoreInUse: another process holds the folder's lock.
var errStoreInUse = errors.New("in use by another synthdesk run")

// openStore returns the store folder for a run and the function that
// releases it (and removes it when it is temporary).
func openStore(stateDir string) (dir string, release func(), err error) {
	if stateDir != "" {
		if err := os.MkdirAll(stateDir, 0o755); err != nil {
			return "", nil, fmt.Errorf("--state-dir: %w", err)
		}
		unlock, err := lockDir(stateDir)
		if err != nil {
			return "", nil, fmt.Errorf("--state-dir %s: %w", stateDir, err)
		}
		return stateDir, unlock, nil
	}
	removeStaleStores(os.TempDir())
	dir, err = os.MkdirTemp("", tempStorePrefix)
	if err != nil {
		return "", nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, func() {
		unlock()
		os.RemoveAll(dir)
	}, nil
}

// staleUnlocked is how old a temporary store without a lock file must be
// to be removed (one written before stores were locked).
const staleUnlocked = 24 * time.Hour

// removeStaleStores removes the temporary store folders under root that no
// running process holds.
func removeStaleStores(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempStorePrefix) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, lockName)); !canLock || errors.Is(err, os.ErrNotExist) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleUnlocked {
				os.RemoveAll(dir)
			}
			continue
		}
		unlock, err := lockDir(dir)
		if err != nil {
			continue // in use, or not ours to judge
		}
		unlock()
		os.RemoveAll(dir)
	}
}
