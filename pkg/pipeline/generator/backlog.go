package generator

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// backlog tracks how many messages wait downstream of the generator: for
// the classifier and the validator (each a batch of one task's records),
// and accepted records not yet delivered to the sink. The generator pauses
// while it is over the limit, so it does not run arbitrarily far ahead of
// the stages after it: a backlog costs the bus memory and disk and buys no
// throughput. Records the sink holds while a part fills are bounded by its
// consumers' MaxAckPending instead.
type backlog struct {
	conn  *bus.Conn
	limit int64
	n     atomic.Int64
}

// watch refreshes the backlog every 250 ms until ctx ends.
func (b *backlog) watch(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		b.n.Store(b.read(ctx))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (b *backlog) read(ctx context.Context) int64 {
	var n int64
	for _, c := range []struct{ stream, durable string }{
		{bus.StreamClassify, pipeline.StageClassifier},
		{bus.StreamValidate, pipeline.StageValidator},
	} {
		if p, err := b.conn.Pending(ctx, c.stream, c.durable); err == nil {
			n += p
		}
	}
	// Accepted records count until delivered to the sink: its partition
	// consumers hold a part's messages until the part is written.
	p, _ := b.conn.ConsumersPending(ctx, bus.StreamAccepted) // a partial sum on error
	return n + p
}

// wait returns once the backlog is under the limit, or after a minute
// (the task is kept alive meanwhile), or when ctx ends.
func (b *backlog) wait(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for b.n.Load() > b.limit && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}
