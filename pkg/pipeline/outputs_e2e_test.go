package pipeline_test

import (
	"context"

	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// On a service, a request may only name outputs inside the configured
// output root or allowed buckets; the intake refuses any other with an
// error naming the field, and starts nothing.
func TestOutputsConfinedAtIntake(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, func(cfg *testConfig) {
		cfg.Outputs = location.Policy{Confined: true, Root: root, Allowed: []string{"s3://shared/synthdesk"}}
	})
	jobs, _ := c.conn.Jobs()
	tests := []struct{ name, output, says string }{
		{"parent folder", "../evil", "must not contain '..'"},
		{"absolute path outside", outside, "is outside the output root"},
		{"symlink escape", "escape/x", "symbolic link leads out"},
		{"bucket not allowed", "s3://private/x", "not in this cluster's allowed outputs"},
		{"prefix not allowed", "s3://shared/other", "not in this cluster's allowed outputs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := mustJSON(t, record.Request{Samples: 10, Output: tc.output})
			_, err := pipeline.Submit(context.Background(), c.conn, body)
			if err == nil || !strings.Contains(err.Error(), "output: not allowed on this cluster") || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("output %q: error %v, want one naming output and saying %q", tc.output, err, tc.says)
			}
			if states, _ := jobs.List(context.Background(), "*.state"); len(states) != 0 {
				t.Errorf("%d jobs stored after a refused output", len(states))
			}
		})
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files written outside the root: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(base, "evil")); !os.IsNotExist(err) {
		t.Errorf("../evil exists: %v", err)
	}

	reply := c.submit(t, record.Request{Samples: 20, Seed: seed(5), Output: "team/run1"})
	job := c.wait(t, reply.JobID, time.Minute)
	if want := filepath.Join(root, "team/run1"); job.Request.Output != want {
		t.Errorf("job output %q, want it resolved to %q", job.Request.Output, want)
	}
	if rows := readRows(t, filepath.Join(root, "team/run1", dataset.JobDir(reply.JobID))); len(rows) != 20 {
		t.Errorf("%d rows inside the root, want 20", len(rows))
	}
}

// The sink checks a job's output again before it writes: a folder outside
// its root is never written, even when a generator let it through (other
// settings, or a link made after the intake).
func TestSinkRefusesOutputOutsideItsRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	var logs syncLog
	r := startIntakeRig(t, func(c *testConfig) {
		c.Outputs = location.Policy{Confined: true, Root: root}
		c.Log = zerolog.New(&logs)
	})
	r.start(t, "unconfined", nil, runGenerator)
	reply, err := pipeline.Submit(context.Background(), r.conn, mustJSON(t, record.Request{Samples: 20, Output: outside}))
	if err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, time.Minute, func() bool {
		return strings.Contains(logs.String(), "not allowed on this cluster") && strings.Contains(logs.String(), reply.JobID)
	}, "the sink refusing the output")
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("the sink wrote outside its root: %v", entries)
	}
}

// syncLog is a log sink safe to read while stages write.
type syncLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
