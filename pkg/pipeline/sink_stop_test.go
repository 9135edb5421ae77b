package pipeline_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// TestSinkStopHandsBackAtOnce stops a sink (context cancelled, as on
// SIGTERM) while it holds records it cannot write: it hands them back and
// gives up its partitions, so the next sink finishes the job although the
// AckWait and the pin TTL are ten minutes.
func TestSinkStopHandsBackAtOnce(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, func(c *testConfig) { c.SinkAckWait, c.SinkPinnedTTL = 10*time.Minute, 10*time.Minute })
	blocked := filepath.Join(t.TempDir(), "out")
	first := u.startSink(t, "stopping", func(c *testConfig) { c.Output = blocked })
	waitSinkReady(t, u.js)
	// A file where the folder was: the sink's writes fail and it holds its
	// batches, retrying.
	if err := os.RemoveAll(blocked); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	reply := u.submit(t, record.Request{Samples: 1000, Seed: seed(16)})
	bustest.Eventually(t, time.Minute, func() bool { return sinkPending(t, u.js, u.cfg.Partitions) > 0 }, "first sink holds records")
	first.cancel()
	if err := first.wait(t, time.Minute); err != nil {
		t.Fatalf("stopped sink returned %v", err)
	}
	u.startSink(t, "next", nil)
	job := u.wait(t, reply.JobID, 2*time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
}
