// Package store writes and reads objects in a local folder or an S3
// bucket behind one interface.
package store

import (
	"context"
	"errors"
	"fmt"

	"io"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("object not found")

// Errors Check, Put and Get wrap so callers can tell what to fix; test them
// with errors.Is.
var (
	// ErrBadCredentials: the server rejected the access key or secret, or
	// they lack permission on the bucket.
	ErrBadCredentials = errors.New("storage credentials rejected")
	// ErrNoBucket: the bucket does not exist and may not be created.
	ErrNoBucket = errors.New("bucket does not exist")
	// ErrUnreachable: the server could not be reached or kept failing
	// (connection errors, 5xx) after bounded retries; the caller should keep
	// its data and try again later.
	ErrUnreachable = errors.New("storage unreachable")
	// ErrInvalidKey: a key is empty, absolute, or escapes the root.
	ErrInvalidKey = errors.New("invalid object key")
)

// Object describes a stored object.
type Object struct {
	Key  string
	Size int64
}

// Store is a flat key space under a root (a folder or bucket/prefix).
// Keys are slash-separated paths relative to the root. Implementations are
// safe for concurrent use.
type Store interface {
	// Put stores size bytes from r under key; readers never see a partial
	// object, and a second Put of the same key replaces it.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Get opens the object at key; the caller closes it. A missing key is
	// an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// List returns every object whose key starts with prefix, at any
	// depth, sorted by key.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Check verifies at start-up that the store is reachable and writable.
	Check(ctx context.Context) error
	// URL is where a key can be read by users.
	URL(key string) string
}

// S3Config holds the S3 connection settings; bucket and prefix come from
// the output URL. S3ConfigFromEnv fills it from the usual AWS variables.
type S3Config struct {
	// Endpoint is host[:port]; empty means AWS S3. A URL is accepted too,
	// its scheme then decides Secure.
	Endpoint     string
	Region       string
	AccessKey    string
	SecretKey    string
	SessionToken string
	Secure       bool
	// PathStyle addresses buckets as endpoint/bucket instead of
	// bucket.endpoint (virtual host).
	PathStyle bool
	// CreateBucket lets Check create a missing bucket.
	CreateBucket bool
	// Attempts bounds the tries of one Put or Get on transient failures
	// (default 4); RetryBackoff is the first wait, doubled each time
	// (default 250ms, capped at 4s).
	Attempts     int
	RetryBackoff time.Duration
}

// String describes the configuration without secrets.
func (c S3Config) String() string {
	return fmt.Sprintf("endpoint=%q region=%q secure=%t path_style=%t access_key_set=%t",
		c.Endpoint, c.Region, c.Secure, c.PathStyle, c.AccessKey != "")
}

// Open returns the store for an output: a local folder (a path or
// file:// URL), or s3://bucket/prefix. It does no I/O; call Check.
func Open(ctx context.Context, output string, s3 S3Config) (Store, error) {
	if err := location.Check(output); err != nil {
		return nil, err
	}
	if rest, ok := strings.CutPrefix(output, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		return newS3(bucket, prefix, s3)
	}
	return NewLocal(strings.TrimPrefix(output, "file://"))
}
