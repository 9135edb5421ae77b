package pipeline_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/validator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// TestDeadLetteredBatchesAreRegenerated runs a second classifier replica
// that fails the first batches it takes permanently. They land on the
// dead-letter subject; the validator turns each into rejections of its
// slots (dead_letter) and regenerates them, and the job still delivers
// exact counts.
func TestDeadLetteredBatchesAreRegenerated(t *testing.T) {
	c := startCluster(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const poison = 3
	var taken atomic.Int32
	h := bus.Chain(func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
		if n := taken.Add(1); n <= poison {
			if n == poison {
				go cancel() // the rest goes to the real classifier
			}
			return bus.Permanent(errors.New("poisoned by the test"))
		}
		return errors.New("left to the other replica")
	}, bus.DeadLetter(c.conn, pipeline.StageClassifier, 10, telemetry.NewMetrics()))
	stopped := make(chan error, 1)
	go func() {
		stopped <- c.conn.Run(ctx, bus.ConsumerSpec{
			Stage: pipeline.StageClassifier, Stream: bus.StreamClassify, Durable: pipeline.StageClassifier,
			MaxAckPending: 32, Concurrency: 1, Grace: time.Second,
		}, h)
	}()

	reply := c.submit(t, record.Request{Samples: 2000, Seed: seed(4)})
	job, rows := c.jobRows(t, reply.JobID, 2*time.Minute)
	if err := <-stopped; err != nil {
		t.Fatalf("poisoning replica: %v", err)
	}
	if got := taken.Load(); got < poison {
		t.Fatalf("the poisoning replica took %d batches, want at least %d", got, poison)
	}
	if job.Status != record.StatusDone || len(rows) != 2000 {
		t.Fatalf("job %s with %d rows, shortfall %v", job.Status, len(rows), job.Shortfall)
	}
	checkQuotas(t, job, rows)
	// Every slot of a poisoned batch is rejected once as a dead letter.
	if n := job.Rejections[validator.ReasonDeadLetter]; n < poison {
		t.Errorf("dead_letter rejections = %d, want at least one per poisoned batch (%d); rejections %v", n, poison, job.Rejections)
	}
	if job.Regenerations < int(job.Rejections[validator.ReasonDeadLetter]) {
		t.Errorf("regenerations %d < dead_letter rejections %d", job.Regenerations, job.Rejections[validator.ReasonDeadLetter])
	}
}
