package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
)

func TestS3CheckFailures(t *testing.T) {
	srv := storetest.S3(t)
	tests := []struct {
		name   string
		output string
		cfg    func(store.S3Config) store.S3Config
		want   error
	}{
		{"wrong secret", "s3://" + srv.Bucket + "/x", func(c store.S3Config) store.S3Config { c.SecretKey = "wrong-secret-value"; return c }, store.ErrBadCredentials},
		{"unknown access key", "s3://" + srv.Bucket + "/x", func(c store.S3Config) store.S3Config { c.AccessKey = "nobody"; return c }, store.ErrBadCredentials},
		{"missing bucket", "s3://no-such-bucket-here/x", func(c store.S3Config) store.S3Config { return c }, store.ErrNoBucket},
		{"missing bucket created", "s3://made-by-check/x", func(c store.S3Config) store.S3Config { c.CreateBucket = true; return c }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg(srv.Config())
			s, err := store.Open(t.Context(), tt.output, cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Check(t.Context())
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Check = %v, want %v", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), cfg.SecretKey) || strings.Contains(err.Error(), "\n")) {
				t.Fatalf("Check error leaks the secret or spans lines: %v", err)
			}
		})
	}
}

func TestS3UnreachableThenRecovers(t *testing.T) {
	srv := storetest.S3(t)
	s := storetest.S3Store(t, srv, "jobs")
	data := []byte("batch")
	if err := s.Put(t.Context(), "a", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err := s.Put(ctx, "job_id=j/part-00000.parquet", bytes.NewReader(data), int64(len(data)))
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("Put with the server down = %v, want ErrUnreachable", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("Put did not return within its retry bound")
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("Get with the server down = %v, want ErrUnreachable", err)
	}
	srv.Start()
	if err := s.Put(t.Context(), "job_id=j/part-00000.parquet", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put after restart: %v", err)
	}
	objs, err := s.List(t.Context(), "")
	if err != nil || len(objs) != 2 {
		t.Fatalf("List after restart = %v, %v; want the old and the new object", objs, err)
	}
}

func TestS3PutRetriesUnseekableBody(t *testing.T) {
	srv := storetest.S3(t)
	s := storetest.S3Store(t, srv, "")
	var buf bytes.Buffer
	buf.WriteString("from a buffer")
	if err := s.Put(t.Context(), "b.json", &buf, int64(buf.Len())); err != nil {
		t.Fatal(err)
	}
	if got := s.URL("b.json"); got != "s3://"+srv.Bucket+"/b.json" {
		t.Fatalf("URL = %s", got)
	}
}

func TestOpenOutputs(t *testing.T) {
	tests := []struct {
		name, output string
		wantURL      string
		wantErr      bool
	}{
		{"s3 with prefix", "s3://bkt/some/prefix/", "s3://bkt/some/prefix/k", false},
		{"s3 bucket only", "s3://bkt", "s3://bkt/k", false},
		{"local path", "/tmp/out", "file:///tmp/out/k", false},
		{"file url", "file:///tmp/out", "file:///tmp/out/k", false},
		{"no bucket", "s3:///x", "", true},
		{"other scheme", "gs://b/x", "", true},
		{"empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.Context(), tt.output, store.S3Config{Endpoint: "127.0.0.1:1", PathStyle: true})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Open = %v, wantErr %t", err, tt.wantErr)
			}
			if err == nil && s.URL("k") != tt.wantURL {
				t.Fatalf("URL = %s, want %s", s.URL("k"), tt.wantURL)
			}
		})
	}
}
