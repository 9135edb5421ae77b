package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// intakeRig runs the classifier, validator and sink, each on a connection
// of its own, and lets a test start generators one by one.
type intakeRig struct {
	srv  *server.Server
	conn *bus.Conn
	cfg  testConfig
}

func startIntakeRig(t *testing.T, downstream func(*testConfig)) *intakeRig {
	t.Helper()
	srv := bustest.Server(t)
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	llms, err := generator.NewLLMSet(generator.LLMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	r := &intakeRig{srv: srv, conn: bustest.Conn(t, srv), cfg: testConfig{
		Log: zerolog.Nop(), Taxonomy: tax, LLM: llms, Output: t.TempDir(), BatchRows: 100, MaxSamples: 1_000_000,
		TaskSize: 4, IntakeChunk: 10, IntakeResume: 200 * time.Millisecond,
	}}
	for _, run := range []func(context.Context, testConfig) error{runClassifier, runValidator, runSink} {
		r.start(t, "stage", downstream, run)
	}
	return r
}

// start runs a stage on a new connection until the test ends; done
// receives what it returned.
func (r *intakeRig) start(t *testing.T, replica string, mutate func(*testConfig), run func(context.Context, testConfig) error) chan error {
	t.Helper()
	cfg := r.cfg
	cfg.Conn, cfg.Replica = bustest.Conn(t, r.srv), replica
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", replica, err)
		}
	})
	return done
}

// crashIntake submits req to a generator that dies once it has published
// and recorded the first chunk of tasks, and returns the stranded job.
func (r *intakeRig) crashIntake(t *testing.T, req record.Request) record.Job {
	t.Helper()
	var fired atomic.Bool
	dead := r.start(t, "dying", func(c *testConfig) {
		c.Fault = func(point string) error {
			if point == "intake.published" && fired.CompareAndSwap(false, true) {
				return errors.New("killed while publishing tasks")
			}
			return nil
		}
	}, runGenerator)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _, _ = pipeline.Submit(ctx, r.conn, mustJSON(t, req)) }()
	select {
	case err := <-dead:
		dead <- err // for the cleanup
		if err != nil {
			t.Fatalf("dying generator: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the generator did not die at its fault")
	}
	jobs, _ := r.conn.Jobs()
	job, err := jobs.Get(context.Background(), req.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != record.StatusRunning || job.Intake.Published != 10 || job.Intake.Tasks != 50 || job.Intake.TaskSize != 4 {
		t.Fatalf("stranded job: status %s intake %+v, want running with 10 of 50 tasks of 4 slots", job.Status, job.Intake)
	}
	return job
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (r *intakeRig) finished(t *testing.T, id string) record.Job {
	t.Helper()
	c := &cluster{conn: r.conn, out: r.cfg.Output}
	return c.wait(t, id, 2*time.Minute)
}

// A generator killed while publishing a job's tasks leaves the job with a
// record of how far it got; another generator replica finds the stalled
// job and publishes the rest, and the job delivers exactly what was asked.
func TestIntakeResumedByAnotherGenerator(t *testing.T) {
	r := startIntakeRig(t, nil)
	req := record.Request{JobID: "jresume1", Samples: 200, Seed: seed(21)}
	r.crashIntake(t, req)
	r.start(t, "survivor", nil, runGenerator)
	job := r.finished(t, req.JobID)
	if job.Intake.Published != job.Intake.Tasks {
		t.Errorf("intake %+v after the job finished", job.Intake)
	}
	checkOutput(t, job, readLocalOutput(t, r.cfg.Output, job.ID))
}

// The client's retry of a request whose intake died gets the reply of the
// first request and completes the job's tasks.
func TestIntakeRetryOfSameRequestFinishesTheJob(t *testing.T) {
	r := startIntakeRig(t, nil)
	req := record.Request{JobID: "jresume2", Samples: 200}
	stranded := r.crashIntake(t, req)
	// This replica would take the job over only after an hour still: the
	// retry alone must finish it.
	r.start(t, "retried", func(c *testConfig) { c.IntakeResume = time.Hour }, runGenerator)
	reply, err := pipeline.Submit(context.Background(), r.conn, mustJSON(t, req))
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	want := record.IntakeReply{JobID: stranded.ID, Samples: 200, Seed: stranded.Seed, Quotas: stranded.Quotas}
	if !reflect.DeepEqual(reply, want) {
		t.Errorf("retry reply %+v, want %+v", reply, want)
	}
	job := r.finished(t, req.JobID)
	checkOutput(t, job, readLocalOutput(t, r.cfg.Output, job.ID))
	again, err := pipeline.Submit(context.Background(), r.conn, mustJSON(t, req))
	if err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("retry after the job finished: %+v, %v; want %+v", again, err, want)
	}
}
