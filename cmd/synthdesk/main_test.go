package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "no command", args: nil, wantCode: 2, wantErr: "Commands:"},
		{name: "help", args: []string{"--help"}, wantCode: 0, wantErr: "Commands:"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2, wantErr: `unknown command "frobnicate"`},
		{name: "run needs an output", args: []string{"run", "--samples", "5"}, wantCode: 2, wantErr: "--out is required"},
		{name: "run rejects a bad flag", args: []string{"run", "--bogus"}, wantCode: 2, wantErr: "synthdesk run: usage: unknown flag: --bogus"},
		{name: "one-dash long flag names two", args: []string{"run", "-samples", "5"}, wantCode: 2, wantErr: "long flags take two dashes: --samples"},
		{name: "classify rejects a bad flag", args: []string{"classify", "--bogus"}, wantCode: 2, wantErr: "unknown flag: --bogus"},
		{name: "help command", args: []string{"help", "run"}, wantCode: 0, wantErr: "--samples int"},
		{name: "admin needs topology", args: []string{"admin"}, wantCode: 2, wantErr: "the admin subcommand is topology"},
		{name: "rules needs a subcommand", args: []string{"rules"}, wantCode: 1, wantErr: "a subcommand is required"},
		{name: "run takes no argument", args: []string{"run", "--out", "x", "extra"}, wantCode: 2, wantErr: `unexpected argument "extra"`},
		{name: "run help", args: []string{"run", "--help"}, wantCode: 0, wantErr: "-samples"},
		{name: "bad intents syntax", args: []string{"run", "--out", "x", "--intents", "cancel_order"}, wantCode: 2, wantErr: "is not key=value"},
		{name: "zero samples", args: []string{"run", "--out", "x", "--samples", "0"}, wantCode: 2, wantErr: "--samples must be at least 1, got 0"},
		{name: "status needs a job", args: []string{"status"}, wantCode: 2, wantErr: "give exactly one job id"},
		{name: "submit help", args: []string{"submit", "--help"}, wantCode: 0, wantErr: "-taxonomy"},
		{name: "submit help lists the cluster", args: []string{"submit", "-h"}, wantCode: 0, wantErr: "-nats"},
		{name: "submit rejects a bad flag", args: []string{"submit", "--bogus"}, wantCode: 2, wantErr: "unknown flag: --bogus"},
		{name: "status help", args: []string{"status", "--help"}, wantCode: 0, wantErr: "-watch"},
		{name: "submit takes no argument", args: []string{"submit", "extra"}, wantCode: 2, wantErr: `synthdesk submit: usage: unexpected argument "extra"`},
		{name: "classify takes no argument", args: []string{"classify", "--in", "x.csv", "extra"}, wantCode: 2, wantErr: `unexpected argument "extra"`},
		{name: "rules eval takes no argument", args: []string{"rules", "eval", "--data", "x.csv", "extra"}, wantCode: 2, wantErr: `unexpected argument "extra"`},
		{name: "admin topology takes no argument", args: []string{"admin", "topology", "extra"}, wantCode: 2, wantErr: `unexpected argument "extra"`},
		{name: "llm-sim takes no argument", args: []string{"llm-sim", "extra"}, wantCode: 2, wantErr: `unexpected argument "extra"`},
		{name: "run refuses a negative price", args: []string{"run", "--out", t.TempDir(), "--price-in", "-1"}, wantCode: 1, wantErr: "llm.price_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := dispatch(context.Background(), tt.args, strings.NewReader(""), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr: %s)", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

// TestRunEmbedded runs the main job end to end through the CLI and checks
// the files and the summary.
func TestRunEmbedded(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"run", "--samples", "300", "--seed", "3", "--out", out, "--batch-rows", "100"},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "rows: 300 of 300 requested") {
		t.Errorf("summary lacks the row count:\n%s", stdout.String())
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "job_id=*"))
	if len(dirs) != 1 {
		t.Fatalf("job folders: %v", dirs)
	}
	for _, name := range []string{"_SUCCESS", "_manifest.json", "part-00000.parquet", "part-00002.parquet"} {
		if _, err := os.Stat(filepath.Join(dirs[0], name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRunPartialExitsThree gives a budget too small for a job whose
// requested intents the rules never agree with, so it must end partial.
func TestRunPartialExitsThree(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"run", "--samples", "50", "--seed", "3", "--out", out,
		"--retry-budget", "1", "--request", writeRequest(t, `{"quality": {"min_confidence": 0.9999}}`)},
		strings.NewReader(""), &stdout, &stderr)
	if code != 3 {
		t.Fatalf("exit %d, want 3\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "ended partial") || !strings.Contains(stderr.String(), "short by") {
		t.Errorf("stderr lacks the shortfall report:\n%s", stderr.String())
	}
	if files, _ := filepath.Glob(filepath.Join(out, "job_id=*", "_SUCCESS")); len(files) != 0 {
		t.Errorf("_SUCCESS written for a partial job")
	}
}

func writeRequest(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "req.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		mib             int64
		samples, window int
		want            int64
	}{
		{mib: 512, samples: 1_000_000, want: 512 << 20},
		{mib: -1, samples: 1_000_000, want: 180<<20 + 125_000_000},
		{mib: -1, samples: 0, want: 180<<20 + 125*10_000},
		{mib: -1, samples: 1_000_000, window: 100_000, want: 180<<20 + 8_000_000 + 117*200_000},
		{mib: -1, samples: 1_000_000, window: 600_000, want: 180<<20 + 125_000_000},
		{mib: -1, samples: 5_000_000, want: 180<<20 + 40_000_000 + 117_000_000},
		{mib: -1, samples: 5_000_000, window: -1, want: 180<<20 + 125*5_000_000},
	} {
		if got := memoryLimit(tc.mib, tc.samples, tc.window); got != tc.want {
			t.Errorf("memoryLimit(%d, %d, %d) = %d, want %d", tc.mib, tc.samples, tc.window, got, tc.want)
		}
	}
}

// execute runs `synthdesk cmd args...` and returns the command's error as
// dispatch gets it, before it becomes an exit code.
func execute(ctx context.Context, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(append(strings.Fields(cmd), args...))
	return root.ExecuteContext(ctx)
}
