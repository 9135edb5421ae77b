package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/store"
)

// Run checks the Store contract on stores made by open, a fresh empty
// store per subtest.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"put get list delete", testPutGetListDelete},
		{"overwrite replaces", testOverwrite},
		{"missing key", testMissing},
		{"invalid keys", testInvalidKeys},
		{"concurrent puts", testConcurrentPuts},
		{"large object", testLarge},
		{"hive keys", testHiveKeys},
		{"check", func(t *testing.T, s store.Store) {
			if err := s.Check(t.Context()); err != nil {
				t.Fatalf("Check: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func put(t *testing.T, s store.Store, key string, data []byte) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
}

func get(t *testing.T, s store.Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return data
}

func list(t *testing.T, s store.Store, prefix string) []store.Object {
	t.Helper()
	objs, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatalf("List %q: %v", prefix, err)
	}
	return objs
}

func testPutGetListDelete(t *testing.T, s store.Store) {
	put(t, s, "a/one.json", []byte(`{"n":1}`))
	put(t, s, "a/b/two.bin", []byte("two"))
	put(t, s, "c.txt", nil)
	if got := get(t, s, "a/one.json"); string(got) != `{"n":1}` {
		t.Fatalf("Get = %q", got)
	}
	want := []store.Object{{Key: "a/b/two.bin", Size: 3}, {Key: "a/one.json", Size: 7}}
	if got := list(t, s, "a/"); !reflect.DeepEqual(got, want) {
		t.Fatalf("List a/ = %v, want %v", got, want)
	}
	if got := list(t, s, ""); len(got) != 3 {
		t.Fatalf("List all = %v, want 3 objects", got)
	}
	if got := list(t, s, "a/o"); len(got) != 1 || got[0].Key != "a/one.json" {
		t.Fatalf("List a/o = %v", got)
	}
	if err := s.Delete(t.Context(), "a/one.json"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(t.Context(), "a/one.json"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if got := list(t, s, "a/"); len(got) != 1 {
		t.Fatalf("List after delete = %v", got)
	}
}

func testOverwrite(t *testing.T, s store.Store) {
	put(t, s, "k", []byte("first version, longer"))
	put(t, s, "k", []byte("second"))
	if got := get(t, s, "k"); string(got) != "second" {
		t.Fatalf("Get = %q, want second", got)
	}
	if got := list(t, s, ""); len(got) != 1 || got[0].Size != 6 {
		t.Fatalf("List = %v, want one object of 6 bytes", got)
	}
}

func testMissing(t *testing.T, s store.Store) {
	_, err := s.Get(t.Context(), "no/such/key")
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing = %v, want ErrNotFound", err)
	}
	if got := list(t, s, "no/"); len(got) != 0 {
		t.Fatalf("List of missing prefix = %v", got)
	}
}

func testInvalidKeys(t *testing.T, s store.Store) {
	for _, key := range []string{"", "/abs", "../up", "a/../../up", "a//b", "a/./b", "dir/"} {
		if err := s.Put(t.Context(), key, bytes.NewReader(nil), 0); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Put %q = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Get(t.Context(), key); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Get %q = %v, want ErrInvalidKey", key, err)
		}
	}
}

func testConcurrentPuts(t *testing.T, s store.Store) {
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			data := []byte(fmt.Sprintf("object %d", i))
			errs <- s.Put(context.WithoutCancel(t.Context()), fmt.Sprintf("p/%02d", i), bytes.NewReader(data), int64(len(data)))
			same := bytes.Repeat([]byte{byte('a' + i)}, 1000)
			errs <- s.Put(t.Context(), "p/same", bytes.NewReader(same), int64(len(same)))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := list(t, s, "p/"); len(got) != n+1 {
		t.Fatalf("List = %d objects, want %d", len(got), n+1)
	}
	same := get(t, s, "p/same")
	if len(same) != 1000 || !bytes.Equal(same, bytes.Repeat(same[:1], 1000)) {
		t.Fatalf("p/same is a mix of writers")
	}
}

func testLarge(t *testing.T, s store.Store) {
	data := make([]byte, 8<<20)
	rng := rand.NewChaCha8([32]byte{1})
	rng.Read(data)
	put(t, s, "big/part-00000.parquet", data)
	if got := get(t, s, "big/part-00000.parquet"); !bytes.Equal(got, data) {
		t.Fatalf("large object differs (%d bytes read)", len(got))
	}
}

func testHiveKeys(t *testing.T, s store.Store) {
	put(t, s, "job_id=x/part-00000.parquet", []byte("p0"))
	put(t, s, "job_id=x/_SUCCESS", nil)
	put(t, s, "job_id=xy/part-00000.parquet", []byte("other"))
	got := list(t, s, "job_id=x/")
	if len(got) != 2 || got[0].Key != "job_id=x/_SUCCESS" || got[1].Key != "job_id=x/part-00000.parquet" {
		t.Fatalf("List job_id=x/ = %v", got)
	}
	if data := get(t, s, "job_id=x/part-00000.parquet"); string(data) != "p0" {
		t.Fatalf("Get = %q", data)
	}
}
