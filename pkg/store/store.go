// Package store writes and reads objects in a local folder or an S3
// bucket behind one interface.
package store

import (
	"context"
	"errors"
	"io"
)

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("object not found")

// Object describes a stored object.
type Object struct {
	Key  string
	Size int64
}

// Store is a flat key space under a root (a folder or bucket/prefix).
// Implementations are safe for concurrent use.
type Store interface {
	// Put stores size bytes from r under key; readers never see a partial
	// object, and a second Put of the same key replaces it.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	List(ctx context.Context, prefix string) ([]Object, error)
	Delete(ctx context.Context, key string) error
	// Check verifies at start-up that the store is reachable and writable.
	Check(ctx context.Context) error
	// URL is where a key can be read by users.
	URL(key string) string
}

// S3Config holds the S3 connection settings; bucket and prefix come from
// the output URL.
type S3Config struct {
	Endpoint     string
	Region       string
	AccessKey    string
	SecretKey    string
	SessionToken string
	Secure       bool
	PathStyle    bool
	CreateBucket bool
}

// Open returns the store for an output: a local folder, or s3://bucket/prefix.
func Open(ctx context.Context, output string, s3 S3Config) (Store, error) {
	return nil, errors.New("not implemented")
}
