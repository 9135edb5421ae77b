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
		cons, err := cfg.Conn.JS.Consumer(ctx, stream, durable)
		if err != nil {
			continue
		}
		info, err := cons.Info(ctx)
		if err != nil {
			continue
		}
		g.Set(float64(info.NumPending + uint64(info.NumAckPending)))
	}
}
