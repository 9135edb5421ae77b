package storetest

import (
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/store"
)

// Local returns a store in a fresh temporary folder removed after t.
func Local(t testing.TB) *store.Local {
	t.Helper()
	s, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// S3Store opens a store on srv's bucket under prefix, with fast retries
// suited to tests.
func S3Store(t testing.TB, srv *Server, prefix string) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), "s3://"+srv.Bucket+"/"+prefix, srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Config is the S3Config that reaches srv.
func (s *Server) Config() store.S3Config {
	return store.S3Config{
		Endpoint: s.Endpoint, Region: "us-east-1", AccessKey: s.AccessKey, SecretKey: s.SecretKey,
		PathStyle: true, Attempts: 4, RetryBackoff: 50 * time.Millisecond,
	}
}
