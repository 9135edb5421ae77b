package pipeline

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
)

// backlog tracks how many batches (one per generator task) wait for the
// classifier, so the generator does not run arbitrarily far ahead of the
// stages after it: a backlog costs the bus memory and disk and buys no
// throughput.
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
		if cons, err := b.conn.JS.Consumer(ctx, bus.StreamClassify, StageClassifier); err == nil {
			if info, err := cons.Info(ctx); err == nil {
				b.n.Store(int64(info.NumPending) + int64(info.NumAckPending))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// wait returns once the backlog is under the limit, or after a minute
// (within the generator's two-minute AckWait), or when ctx ends.
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
