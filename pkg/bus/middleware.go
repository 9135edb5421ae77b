package bus

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// Recover turns a handler panic into a permanent error, so one poisonous
// message is dead-lettered instead of crashing the replica.
func Recover() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, m *Msg, out *Outbox) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = Permanent(fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
				}
			}()
			return next(ctx, m, out)
		}
	}
}

// Observe logs failures and counts messages and handler latency.
func Observe(stage string, log zerolog.Logger, met *telemetry.Metrics) Middleware {
	in := met.MessagesIn.WithLabelValues(stage)
	lat := met.HandlerSeconds.WithLabelValues(stage)
	ok := met.MessagesOut.WithLabelValues(stage, "ok")
	retry := met.MessagesOut.WithLabelValues(stage, "retry")
	dead := met.MessagesOut.WithLabelValues(stage, "dead")
	return func(next Handler) Handler {
		return func(ctx context.Context, m *Msg, out *Outbox) error {
			in.Inc()
			start := time.Now()
			err := next(ctx, m, out)
			lat.Observe(time.Since(start).Seconds())
			switch {
			case err == nil:
				ok.Inc()
			case errors.Is(err, errDeadLettered) || IsPermanent(err):
				dead.Inc()
				log.Error().Err(err).Str("stage", stage).Str("subject", m.Subject).Uint64("delivered", m.Delivered).Msg("message dead-lettered")
			default:
				retry.Inc()
				log.Warn().Err(err).Str("stage", stage).Str("subject", m.Subject).Uint64("delivered", m.Delivered).Msg("message will be retried")
			}
			return err
		}
	}
}

// DeadLetter copies a message that failed permanently, or failed on its
// last allowed delivery, to the stage's dead-letter subject with the
// reason, then lets the runtime terminate it. If the copy cannot be
// stored the message is retried instead: nothing is dropped silently.
func DeadLetter(c *Conn, stage string, maxDeliver int, met *telemetry.Metrics) Middleware {
	counter := met.DeadLetters.WithLabelValues(stage)
	return func(next Handler) Handler {
		return func(ctx context.Context, m *Msg, out *Outbox) error {
			err := next(ctx, m, out)
			if err == nil || m.held {
				return err
			}
			if !IsPermanent(err) && (maxDeliver <= 0 || m.Delivered < uint64(maxDeliver)) {
				return err
			}
			h := nats.Header{}
			h.Set(HeaderReason, truncate(err.Error(), 1000))
			h.Set(HeaderStage, stage)
			h.Set(HeaderSubject, m.Subject)
			h.Set(HeaderDelivered, strconv.FormatUint(m.Delivered, 10))
			msg := &nats.Msg{Subject: DeadSubject(stage), Data: m.Data, Header: h}
			if _, perr := c.JS.PublishMsg(ctx, msg); perr != nil {
				return fmt.Errorf("dead-letter copy failed (%v) after: %w", perr, err)
			}
			counter.Inc()
			return fmt.Errorf("%w: %w", errDeadLettered, err)
		}
	}
}
