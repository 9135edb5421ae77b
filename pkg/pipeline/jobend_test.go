package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/report"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// The tests in this file check that every job ends, with a manifest saying
// why, whatever happens to it.

// endedManifest reads a finished job's manifest and checks it agrees with
// the job's final state and that the report was written beside it.
func endedManifest(t *testing.T, out string, job record.Job) dataset.Manifest {
	t.Helper()
	dir := filepath.Join(out, dataset.JobDir(job.ID))
	b, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err != nil {
		t.Fatalf("job %s ended %s without a manifest: %v", job.ID, job.Status, err)
	}
	var m dataset.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Status != job.Status || m.Reason == "" || job.Reason != m.Reason {
		t.Errorf("manifest status %q reason %q; job status %q reason %q: want the same status and a reason", m.Status, m.Reason, job.Status, job.Reason)
	}
	if _, err := os.Stat(filepath.Join(dir, report.HTMLName)); err != nil {
		t.Errorf("no report beside the manifest: %v", err)
	}
	_, err = os.Stat(filepath.Join(dir, dataset.SuccessName))
	if success := err == nil; success != (job.Status == record.StatusDone) {
		t.Errorf("_SUCCESS present %v with status %s", success, job.Status)
	}
	return m
}

// TestZeroAcceptedJobFails: a job whose every record is rejected used to
// stay running forever (the sink only finished jobs it had rows for).
func TestZeroAcceptedJobFails(t *testing.T) {
	t.Parallel()
	// Rules that abstain on every text (no confidence reaches the
	// threshold) reject every record, whatever the synthesizer writes.
	c := startCluster(t, func(cfg *testConfig) {
		tax := *cfg.Taxonomy
		tax.Calibration.Temperature, tax.Calibration.Threshold = 1000, 0.99
		cfg.Taxonomy = &tax
	})
	reply := c.submit(t, record.Request{Samples: 3, Seed: seed(9), Intents: map[string]float64{"track_refund": 1},
		Quality: record.Quality{RetryBudget: 2}})
	job := c.wait(t, reply.JobID, time.Minute)
	if job.Status != record.StatusFailed || job.Accepted != 0 {
		t.Fatalf("job %s with %d accepted; want failed with 0", job.Status, job.Accepted)
	}
	m := endedManifest(t, c.out, job)
	if m.Rows != 0 || len(m.Files) != 0 || !strings.Contains(m.Reason, "no record was accepted") {
		t.Errorf("manifest rows %d files %d reason %q", m.Rows, len(m.Files), m.Reason)
	}
}

// TestGarbageLLMJobEnds: an LLM that only returns unusable answers spends
// the retry budget and the job ends with a manifest.
func TestGarbageLLMJobEnds(t *testing.T) {
	t.Parallel()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := startSim(t, tax, llmsim.Config{Capacity: 16, Seed: 1, FaultRate: 1, Faults: []llmsim.Fault{llmsim.FaultSchema, llmsim.FaultEmpty}})
	c := startCluster(t, func(cfg *testConfig) { cfg.LLM = simLLM(t, "openai", srv.URL, 10*time.Second) })
	reply := c.submit(t, record.Request{Samples: 20, Seed: seed(4), Quality: record.Quality{RetryBudget: 5}})
	job := c.wait(t, reply.JobID, 2*time.Minute)
	if job.Status != record.StatusFailed {
		t.Fatalf("job %s, want failed", job.Status)
	}
	m := endedManifest(t, c.out, job)
	if m.Rejections["generation_failed"] == 0 {
		t.Errorf("manifest rejections %v: want generation_failed", m.Rejections)
	}
}

// TestSinkKilledBeforeFinalizeRecovers kills the sink after it wrote and
// acked every part and before it finished the job: a new sink, which
// receives no records at all, finishes the job from the job store alone.
func TestSinkKilledBeforeFinalizeRecovers(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, nil)
	var crashed atomic.Bool
	first := u.startSink(t, "crashing", func(c *testConfig) {
		c.Fault = func(point string) error {
			if point == "finalize" && crashed.CompareAndSwap(false, true) {
				return errors.New("killed before finalize")
			}
			return nil
		}
	})
	reply := u.submit(t, record.Request{Samples: 500, Seed: seed(14)})
	bustest.Eventually(t, time.Minute, crashed.Load, "fault fired")
	if err := first.wait(t, time.Minute); err != nil {
		t.Fatalf("crashed sink returned %v", err)
	}
	jobs := mustJobs(t, u.conn)
	job, err := jobs.Get(context.Background(), reply.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != record.StatusRunning || partRecords(t, u.conn, reply.JobID) != 3 || sinkPending(t, u.js, u.cfg.Partitions) != 0 {
		t.Fatalf("at the crash: job %s, %d parts; want running with every part written", job.Status, partRecords(t, u.conn, reply.JobID))
	}
	u.startSink(t, "fresh", nil)
	job = u.wait(t, reply.JobID, time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
}

// TestCancelMidJob cancels a running job: the stages drop its messages,
// and it ends cancelled with the parts written so far in its manifest.
func TestCancelMidJob(t *testing.T) {
	t.Parallel()
	c := startCluster(t, func(cfg *testConfig) { cfg.BatchRows = 200 })
	reply := c.submit(t, record.Request{Samples: 20000, Seed: seed(15)})
	bustest.Eventually(t, time.Minute, func() bool { return partRecords(t, c.conn, reply.JobID) > 0 }, "a part written")
	got, err := pipeline.Cancel(context.Background(), c.conn, reply.JobID)
	if err != nil || !got.Stopping {
		t.Fatalf("cancel: %+v, %v", got, err)
	}
	job := c.wait(t, reply.JobID, time.Minute)
	if job.Status != record.StatusCancelled {
		t.Fatalf("job %s, want cancelled", job.Status)
	}
	m := endedManifest(t, c.out, job)
	recorded := partRecords(t, c.conn, reply.JobID)
	onDisk, _ := filepath.Glob(filepath.Join(c.out, dataset.JobDir(reply.JobID), "part-*.parquet"))
	if len(m.Files) == 0 || len(m.Files) != recorded || len(onDisk) != recorded {
		t.Errorf("manifest lists %d files; %d parts recorded, %d on disk", len(m.Files), recorded, len(onDisk))
	}
	if m.Rows >= 20000 || m.Rows != job.Accepted {
		t.Errorf("manifest rows %d, job accepted %d", m.Rows, job.Accepted)
	}
	// In-flight work is dropped: the generator's queue drains without the
	// job's tasks being worked on.
	bustest.Eventually(t, time.Minute, func() bool {
		n, err := c.conn.StreamMsgs(context.Background(), bus.StreamGenerate)
		return err == nil && n == 0
	}, "generate stream drained")
	// A second cancel of an ended job changes nothing.
	again, err := pipeline.Cancel(context.Background(), c.conn, reply.JobID)
	if err != nil || again.Stopping || again.Status != record.StatusCancelled {
		t.Errorf("cancel of a cancelled job: %+v, %v", again, err)
	}
	if _, err := pipeline.Cancel(context.Background(), c.conn, "no-such-job"); !strings.Contains(err.Error(), "not found") {
		t.Errorf("cancel of an unknown job: %v", err)
	}
}

// TestNoProgressDeadline: a job whose output refuses every write stops
// moving once admission is over; the sink ends it as failed, naming
// itself, after the job's no-progress deadline.
func TestNoProgressDeadline(t *testing.T) {
	t.Parallel()
	blocked := filepath.Join(t.TempDir(), "out")
	c := startCluster(t, func(cfg *testConfig) { cfg.Output, cfg.NoProgress = blocked, time.Hour })
	waitSinkReady(t, c.js)
	if err := os.RemoveAll(blocked); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	reply := c.submit(t, record.Request{Samples: 100, Seed: seed(16), NoProgressSeconds: 2})
	job := c.wait(t, reply.JobID, time.Minute)
	if job.Status != record.StatusFailed || job.Stop == nil || job.Stop.Stage != pipeline.StageSink ||
		!strings.Contains(job.Reason, "no progress for") {
		t.Fatalf("job %s stop %+v reason %q; want failed by the sink for no progress", job.Status, job.Stop, job.Reason)
	}
	if !strings.Contains(job.Reason, "manifest not written") {
		t.Errorf("reason %q: want it to say the manifest could not be written", job.Reason)
	}
	bustest.Eventually(t, time.Minute, func() bool { return sinkPending(t, c.js, c.cfg.Partitions) == 0 },
		"the sink lets go of the failed job's records")
}

// TestUnreachableOutputRefused: an output no sink can open is refused at
// intake, naming the field, and starts nothing.
func TestUnreachableOutputRefused(t *testing.T) {
	t.Parallel()
	c := startCluster(t, nil)
	jobs := mustJobs(t, c.conn)
	for _, tt := range []struct{ name, body, want string }{
		{name: "unknown scheme", body: `{"samples": 10, "output": "gs://bucket/x"}`, want: "output: store: unsupported output"},
		{name: "no bucket", body: `{"samples": 10, "output": "s3:///x"}`, want: "output: store: output \"s3:///x\" has no bucket"},
		{name: "negative deadline", body: `{"samples": 10, "no_progress_seconds": -1}`, want: "no_progress_seconds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pipeline.Submit(context.Background(), c.conn, []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if keys, _ := jobs.List(context.Background(), "*.state"); len(keys) != 0 {
				t.Errorf("%d jobs stored after a refused request", len(keys))
			}
		})
	}
}

// TestResubmitContinuesCancelledJob: the same request sent again after a
// cancel continues the job: it ends done with exactly the requested rows,
// each once, keeping what was written before. Sent once more after that,
// it is answered with the finished job and changes nothing.
func TestResubmitContinuesCancelledJob(t *testing.T) {
	t.Parallel()
	c := startCluster(t, func(cfg *testConfig) { cfg.BatchRows = 200 })
	req := record.Request{JobID: "again", Samples: 3000, Seed: seed(17)}
	c.submit(t, req)
	bustest.Eventually(t, time.Minute, func() bool { return partRecords(t, c.conn, req.JobID) > 0 }, "a part written")
	if _, err := pipeline.Cancel(context.Background(), c.conn, req.JobID); err != nil {
		t.Fatal(err)
	}
	if job := c.wait(t, req.JobID, time.Minute); job.Status != record.StatusCancelled {
		t.Fatalf("job %s, want cancelled", job.Status)
	}
	before := partRecords(t, c.conn, req.JobID)
	c.submit(t, req)
	job := c.wait(t, req.JobID, 2*time.Minute)
	if job.Status != record.StatusDone || job.Epoch != 1 {
		t.Fatalf("resubmitted job %s epoch %d, want done in epoch 1 (reason %q)", job.Status, job.Epoch, job.Reason)
	}
	checkOutput(t, job, readLocalOutput(t, c.out, req.JobID))
	t.Logf("%d parts written before the cancel, %d in all", before, partRecords(t, c.conn, req.JobID))

	if reply := c.submit(t, req); reply.JobID != req.JobID {
		t.Fatalf("reply to a finished job's request: %+v", reply)
	}
	if again, err := mustJobs(t, c.conn).Get(context.Background(), req.JobID); err != nil || again.Status != record.StatusDone || again.Epoch != 1 {
		t.Errorf("after a third submit: %s epoch %d (%v), want done, epoch 1", again.Status, again.Epoch, err)
	}
}

// TestNoProgressNamesGenerator: an LLM server that never answers stalls
// the generator; the job fails after its deadline naming the generator.
func TestNoProgressNamesGenerator(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
			http.Error(w, "released", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(hang.Close)
	c := startCluster(t, func(cfg *testConfig) {
		cfg.LLM, cfg.NoProgress = simLLM(t, "openai", hang.URL, time.Hour), 2*time.Second
	})
	// Runs before the stages stop: calls in flight end at once.
	t.Cleanup(func() { close(release) })
	start := time.Now()
	reply := c.submit(t, record.Request{Samples: 50, Seed: seed(18)})
	job := c.wait(t, reply.JobID, time.Minute)
	t.Logf("job ended after %s", time.Since(start))
	if job.Status != record.StatusFailed || job.Stop == nil || job.Stop.Stage != pipeline.StageGenerator {
		t.Fatalf("job %s stop %+v, want failed by the generator", job.Status, job.Stop)
	}
	m := endedManifest(t, c.out, job)
	if !strings.Contains(m.Reason, "generator: no progress for") || m.Rows != 0 {
		t.Errorf("manifest reason %q rows %d", m.Reason, m.Rows)
	}
}
