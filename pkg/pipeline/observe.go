package pipeline

import (
	"context"
	"time"
)

// WatchPending publishes the number of messages waiting for a stage's
// consumer (synthdesk_consumer_pending) every few seconds until ctx ends.
func WatchPending(ctx context.Context, cfg *Deps, stage, stream, durable string) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	g := cfg.Metrics.Pending.WithLabelValues(stage)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := cfg.Conn.Pending(ctx, stream, durable); err == nil {
			g.Set(float64(n))
		}
	}
}
