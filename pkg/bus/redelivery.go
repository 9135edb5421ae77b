package bus

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// redeliveryLogEvery bounds the redelivery log to one line per stage in
// that time, however many messages come back at once (a dead replica's
// whole window does).
const redeliveryLogEvery = 10 * time.Second

// Redelivered counts messages delivered more than once, which happens
// after a replica died holding them (their ack wait ran out), gave them
// back on stopping, or failed them; and logs one line per stage and
// redeliveryLogEvery saying how many came back.
func Redelivered(stage string, log zerolog.Logger, met *telemetry.Metrics) Middleware {
	counter := met.Redeliveries.WithLabelValues(stage)
	var (
		mu      sync.Mutex
		logged  time.Time
		pending int
		highest uint64
	)
	return func(next Handler) Handler {
		return func(ctx context.Context, m *Msg, out *Outbox) error {
			if m.Delivered > 1 {
				counter.Inc()
				mu.Lock()
				pending++
				highest = max(highest, m.Delivered)
				if time.Since(logged) >= redeliveryLogEvery {
					log.Info().Str("stage", stage).Int("messages", pending).Uint64("max_delivery", highest).Str("subject", m.Subject).
						Msg("messages delivered again: a replica died or stopped holding them, or a handler failed them; outputs are deduplicated")
					logged, pending, highest = time.Now(), 0, 0
				}
				mu.Unlock()
			}
			return next(ctx, m, out)
		}
	}
}
