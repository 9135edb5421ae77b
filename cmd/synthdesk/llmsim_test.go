package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestLLMSimServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- execute(ctx, "llm-sim", []string{"--port", "0", "--latency", "0", "--jitter", "0",
			"--fault-rate", "0.5", "--faults", "pii,meta", "--models", "sim-small"}, nil, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, outR)
	base := strings.Fields(line)[3]
	tests := []struct {
		name, path, want string
	}{
		{name: "openai models", path: "/v1/models", want: "sim-small"},
		{name: "ollama tags", path: "/api/tags", want: "sim-small"},
		{name: "stats", path: "/sim/stats", want: `"requests"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(base + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var v any
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || json.Unmarshal(b, &v) != nil || !strings.Contains(string(b), tc.want) {
				t.Errorf("GET %s = %d %s", tc.path, resp.StatusCode, b)
			}
		})
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLLMSimFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "help", args: []string{"--help"}},
		{name: "unknown fault", args: []string{"--faults", "500,gremlins"}, wantErr: "gremlins"},
		{name: "bad overflow", args: []string{"--overflow", "drop"}, wantErr: "overflow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			err := execute(context.Background(), "llm-sim", tc.args, nil, io.Discard, &stderr)
			if tc.wantErr == "" {
				if err != nil || !strings.Contains(stderr.String(), "-capacity") {
					t.Fatalf("err = %v, usage %q", err, stderr.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one naming %q", err, tc.wantErr)
			}
		})
	}
}

// startLLMSim runs `synthdesk llm-sim` with args on a free port until the
// test ends and returns its base URL and its stderr.
func startLLMSim(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- execute(ctx, "llm-sim", append([]string{"--port", "0", "--latency", "0", "--jitter", "0"}, args...), nil, outW, stderr)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("llm-sim: %v", err)
		}
	})
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("llm-sim did not start: %v; stderr: %s", err, stderr.String())
	}
	go io.Copy(io.Discard, outR)
	return strings.Fields(line)[3], stderr
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLLMSimCustomTaxonomyJob runs a custom-taxonomy job against the
// simulator started with the same --taxonomy, through the OpenAI
// protocol, as docs/llm.md shows it.
func TestLLMSimCustomTaxonomyJob(t *testing.T) {
	base, simErr := startLLMSim(t, "--taxonomy", "testdata/bikeshop.yaml")
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"run", "--samples", "60", "--seed", "4", "--llm", "openai",
		"--llm-url", base + "/v1", "--model", "sim", "--llm-timeout", "5s", "--taxonomy", "testdata/bikeshop.yaml", "--out", out},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s\nllm-sim: %s", code, stdout.String(), stderr.String(), simErr.String())
	}
	for _, want := range []string{"rows: 60 of 60 requested", "rent_bike"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(simErr.String(), "lacks") {
		t.Errorf("the simulator did not know the job's intents: %s", simErr.String())
	}
}

func TestLLMSimRefusesABadTaxonomy(t *testing.T) {
	err := execute(context.Background(), "llm-sim", []string{"--taxonomy", "testdata/absent.yaml"}, nil, io.Discard, io.Discard)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("err = %v, want a usage error naming the file", err)
	}
}
