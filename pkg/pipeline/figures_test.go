package pipeline_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// stageProc is one stage replica on a connection of its own.
type stageProc struct {
	cancel context.CancelFunc
	done   chan error
}

func startStage(t *testing.T, srv *server.Server, cfg testConfig, replica string, run func(context.Context, testConfig) error) *stageProc {
	t.Helper()
	cfg.Conn = bustest.Conn(t, srv)
	cfg.Replica = replica
	ctx, cancel := context.WithCancel(context.Background())
	p := &stageProc{cancel: cancel, done: make(chan error, 1)}
	go func() { p.done <- run(ctx, cfg) }()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop cancels the stage and waits for it; safe to repeat.
func (p *stageProc) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Errorf("stage: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("stage still running a minute after it was stopped")
	}
}

// TestFiguresSurviveRestarts stops the validator and kills the sink in the
// middle of a job, restarts the validator under the same name and the sink
// under a new one, and checks that the job's figures (status and
// manifest) are the true ones: rows accepted and written, parts, and the
// rejections of the seal.
func TestFiguresSurviveRestarts(t *testing.T) {
	t.Parallel()
	srv := bustest.Server(t)
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	llms, err := generator.NewLLMSet(generator.LLMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig{
		Conn: bustest.Conn(t, srv), Log: zerolog.Nop(), Taxonomy: tax, LLM: llms, Output: t.TempDir(),
		BatchRows: 500, Partitions: 2, SinkAckWait: 2 * time.Second, SinkPinnedTTL: 2 * time.Second, MaxSamples: 1_000_000,
	}
	front := startStage(t, srv, cfg, "front", func(ctx context.Context, c testConfig) error {
		errc := make(chan error, 1)
		go func() { errc <- runClassifier(ctx, c) }()
		err := runGenerator(ctx, c)
		return errors.Join(err, <-errc)
	})
	defer front.stop(t)
	validator := startStage(t, srv, cfg, "v", runValidator)
	var acked atomic.Int32
	crashing := cfg
	crashing.Fault = func(point string) error {
		if point == "acked" && acked.Add(1) == 2 {
			return errors.New("killed after the second ack")
		}
		return nil
	}
	sink := startStage(t, srv, crashing, "s", runSink)
	c := &cluster{conn: cfg.Conn, out: cfg.Output, cfg: cfg}
	reply := c.submit(t, record.Request{Samples: 10000, Seed: seed(21)})
	// The sink dies after its second part; without it the generator soon
	// pauses (its backlog counts the records waiting for the sink), so the
	// job is far from done when the validator restarts.
	select {
	case err := <-sink.done:
		sink.done <- err
	case <-time.After(2 * time.Minute):
		t.Fatal("sink fault did not fire")
	}
	jobs := mustJobs(t, c.conn)
	if job, err := jobs.Get(context.Background(), reply.JobID); err != nil || job.Sealed {
		t.Fatalf("job %+v (err %v) sealed before the restarts; the test needs it running", job, err)
	}
	validator.stop(t)
	startStage(t, srv, cfg, "v", runValidator)
	startStage(t, srv, cfg, "s2", runSink)
	job := c.wait(t, reply.JobID, 3*time.Minute)
	o := readLocalOutput(t, c.out, reply.JobID)
	checkOutput(t, job, o)

	p, err := pipeline.JobProgress(context.Background(), jobs, reply.JobID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(where string, stages map[string]map[string]int64) {
		t.Helper()
		v, s := stages[pipeline.StageValidator], stages[pipeline.StageSink]
		if v["accepted"] != 10000 || s["rows"] != 10000 || s["parts"] != 20 {
			t.Errorf("%s: accepted %d, rows %d, parts %d; want 10000, 10000, 20", where, v["accepted"], s["rows"], s["parts"])
		}
		for r, n := range job.Rejections {
			if v["rejected_"+r] != n {
				t.Errorf("%s: rejected_%s = %d, the seal says %d", where, r, v["rejected_"+r], n)
			}
		}
	}
	plain := func(c pipeline.Counters) map[string]int64 {
		m := map[string]int64{}
		for k, v := range c {
			m[string(k)] = v
		}
		return m
	}
	check("status", map[string]map[string]int64{pipeline.StageValidator: plain(p.Stages[pipeline.StageValidator]), pipeline.StageSink: plain(p.Stages[pipeline.StageSink])})
	check("manifest", o.manifest.Stages)
}
