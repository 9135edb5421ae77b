// Package storetest provides real stores for tests: a versitygw S3 server
// per test, a temporary local folder, and the contract suite every Store
// implementation must pass.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// startTimeout bounds how long a server may take to answer.
const startTimeout = 30 * time.Second

// Server is a versitygw S3 gateway over a temporary folder, on a loopback
// port, with one bucket created for the test.
type Server struct {
	Endpoint  string // host:port, plain HTTP
	AccessKey string
	SecretKey string
	Bucket    string

	t   testing.TB
	bin string
	dir string
	cmd *exec.Cmd
}

// S3 starts a versitygw server for t, creates a unique bucket and stops
// the server in t.Cleanup. A missing versitygw binary fails the test.
func S3(t testing.TB) *Server {
	t.Helper()
	bin, err := findVersitygw()
	if err != nil {
		t.Fatalf("versitygw not found: run `make tools` (%v)", err)
	}
	s := &Server{
		Endpoint:  freeAddr(t),
		AccessKey: "test" + randomHex(6),
		SecretKey: randomHex(20),
		Bucket:    "synthdesk-" + randomHex(6),
		t:         t,
		bin:       bin,
		dir:       t.TempDir(),
	}
	s.Start()
	t.Cleanup(s.Stop)
	client, err := minio.New(s.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.MakeBucket(context.Background(), s.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("versitygw: create bucket: %v", err)
	}
	return s
}

// Start runs the server on its port and folder and waits until it
// answers; it is called by S3 and may be called again after Stop.
func (s *Server) Start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "--access", s.AccessKey, "--secret", s.SecretKey,
		"--port", s.Endpoint, "--quiet", "posix", s.dir)
	var out bytes.Buffer // versitygw logs a banner; shown only if it fails to start
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("versitygw: start: %v", err)
	}
	deadline := time.Now().Add(startTimeout)
	for !s.answers() {
		if time.Now().After(deadline) {
			s.Stop()
			s.t.Fatalf("versitygw did not answer on %s within %v: %s", s.Endpoint, startTimeout, out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// Stop kills the server and waits for it to exit; the folder is kept so
// Start can bring the same objects back.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

func (s *Server) answers() bool {
	resp, err := http.Get("http://" + s.Endpoint + "/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// findVersitygw looks in $SYNTHDESK_VERSITYGW, <repo root>/bin, $PATH and
// $(go env GOPATH)/bin, in that order.
func findVersitygw() (string, error) {
	if p := os.Getenv("SYNTHDESK_VERSITYGW"); p != "" {
		return p, nil
	}
	if root, ok := repoRoot(); ok {
		if p := filepath.Join(root, "bin", "versitygw"); isExec(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			if p := filepath.Join(dir, "bin", "versitygw"); isExec(p) {
				return p, nil
			}
		}
	}
	return "", errors.New("looked in $SYNTHDESK_VERSITYGW, <repo>/bin, $PATH and $(go env GOPATH)/bin")
}

// repoRoot walks up from the working directory to the folder holding go.work.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isExec(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}
