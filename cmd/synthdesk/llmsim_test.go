package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestLLMSimServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- cmdLLMSim(ctx, []string{"--port", "0", "--latency", "0", "--jitter", "0",
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
			err := cmdLLMSim(context.Background(), tc.args, nil, io.Discard, &stderr)
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
