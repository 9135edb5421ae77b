package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a Store in an S3 bucket under a key prefix, through minio-go.
type S3 struct {
	client   *minio.Client
	endpoint string
	bucket   string
	prefix   string // "" or ending with "/"
	cfg      S3Config
}

func newS3(bucket, prefix string, cfg S3Config) (*S3, error) {
	endpoint, secure := cfg.Endpoint, cfg.Secure
	lookup := minio.BucketLookupDNS
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	if u, err := url.Parse(endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		endpoint, secure = u.Host, u.Scheme == "https"
	}
	if endpoint == "" {
		endpoint, secure = "s3.amazonaws.com", true
		if !cfg.PathStyle {
			lookup = minio.BucketLookupAuto
		}
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    transport(secure),
		MaxRetries:   1, // retry() bounds retries instead.
	})
	if err != nil {
		return nil, fmt.Errorf("store: s3 endpoint %q: %w", endpoint, err)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{client: client, endpoint: endpoint, bucket: bucket, prefix: prefix, cfg: cfg}, nil
}

// transport fails fast on dead endpoints so retry() keeps its bound.
func transport(secure bool) http.RoundTripper {
	t, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil
	}
	t.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.ResponseHeaderTimeout = time.Minute
	return t
}

func (s *S3) full(key string) string { return s.prefix + key }

func (s *S3) retry(ctx context.Context, op func() (error, bool)) error {
	return retry(ctx, s.cfg.Attempts, s.cfg.RetryBackoff, op)
}

// Put uploads with the exact size (minio-go buffers whole parts when the
// size is unknown). A body that cannot seek is read into memory once so
// retries can resend it; pass a *bytes.Reader to avoid that copy.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("store: put %s: unknown size: S3 uploads need the exact size", key)
	}
	body, err := rewindable(r, size)
	if err != nil {
		return fmt.Errorf("store: put %s: read body: %w", key, err)
	}
	opts := minio.PutObjectOptions{ContentType: contentType(key)}
	return s.retry(ctx, func() (error, bool) {
		_, err := s.client.PutObject(ctx, s.bucket, s.full(key), io.NewSectionReader(body, 0, size), size, opts)
		return s.classify("put", key, err)
	})
}

// rewindable returns r as an io.ReaderAt of size bytes.
func rewindable(r io.Reader, size int64) (io.ReaderAt, error) {
	if ra, ok := r.(io.ReaderAt); ok {
		return ra, nil
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return bytes.NewReader(buf), nil
}

func contentType(key string) string {
	switch path.Ext(key) {
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".json":
		return "application/json"
	case "":
		return "application/octet-stream"
	}
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Get opens the object; the first request is made here so a missing key
// or a dead server is reported (and retried) now rather than on Read.
// Reads after that are not retried.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var obj *minio.Object
	err := s.retry(ctx, func() (error, bool) {
		o, err := s.client.GetObject(ctx, s.bucket, s.full(key), minio.GetObjectOptions{})
		if err == nil {
			if _, err = o.Stat(); err != nil {
				o.Close()
			}
		}
		obj = o
		return s.classify("get", key, err)
	})
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// List lists recursively under the store prefix plus prefix.
func (s *S3) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	err := s.retry(ctx, func() (error, bool) {
		out = out[:0]
		for info := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.full(prefix), Recursive: true}) {
			if info.Err != nil {
				return s.classify("list", prefix, info.Err)
			}
			out = append(out, Object{Key: strings.TrimPrefix(info.Key, s.prefix), Size: info.Size})
		}
		return nil, false
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete removes the object.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.retry(ctx, func() (error, bool) {
		return s.classify("delete", key, s.client.RemoveObject(ctx, s.bucket, s.full(key), minio.RemoveObjectOptions{}))
	})
}

// Check verifies the bucket exists (creating it when configured), that the
// credentials are accepted and that a probe object can be written and
// removed under the prefix. It does not retry: start-up should fail fast.
func (s *S3) Check(ctx context.Context) error {
	exists, err := s.bucketExists(ctx)
	if err != nil {
		return err
	}
	if !exists && !s.cfg.CreateBucket {
		return fmt.Errorf("store: check s3://%s: %w at %s: create it or set SYNTHDESK_S3_CREATE_BUCKET=true", s.bucket, ErrNoBucket, s.endpoint)
	}
	if !exists {
		if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.cfg.Region}); err != nil {
			err, _ = s.classify("create bucket", "", err)
			return err
		}
	}
	var id [8]byte
	rand.Read(id[:])
	probe := ".synthdesk-probe-" + hex.EncodeToString(id[:])
	if _, err := s.client.PutObject(ctx, s.bucket, s.full(probe), strings.NewReader("ok"), 2, minio.PutObjectOptions{}); err != nil {
		err, _ = s.classify("check write", probe, err)
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.full(probe), minio.RemoveObjectOptions{}); err != nil {
		err, _ = s.classify("check delete", probe, err)
		return err
	}
	return nil
}

// bucketExists lists at most one key: unlike HEAD bucket, a listing
// carries an error body, so bad credentials are not mistaken for a missing
// bucket.
func (s *S3) bucketExists(ctx context.Context) (bool, error) {
	for info := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, MaxKeys: 1}) {
		if info.Err != nil {
			err, _ := s.classify("check bucket", "", info.Err)
			if errors.Is(err, ErrNoBucket) {
				return false, nil
			}
			return false, err
		}
		break
	}
	return true, nil
}

// URL is the s3:// URL of key.
func (s *S3) URL(key string) string { return "s3://" + s.bucket + "/" + s.full(key) }
