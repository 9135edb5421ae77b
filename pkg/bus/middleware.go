package bus

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
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
// Messages the handler holds get the same treatment when their holder
// settles them with Held.Done.
func DeadLetter(c *Conn, stage string, maxDeliver int, met *telemetry.Metrics) Middleware {
	d := &deadLetterer{conn: c, stage: stage, maxDeliver: maxDeliver, counter: met.DeadLetters.WithLabelValues(stage)}
	return func(next Handler) Handler {
		return func(ctx context.Context, m *Msg, out *Outbox) error {
			m.dead = d
			err := next(ctx, m, out)
			if err == nil || m.held {
				return err
			}
			return d.handle(ctx, m, err)
		}
	}
}

// deadLetterer is the dead-letter path of one stage. Safe for concurrent
// use.
type deadLetterer struct {
	conn       *Conn
	stage      string
	maxDeliver int
	counter    prometheus.Counter
}

// handle returns err unchanged while m may still be retried; otherwise it
// copies m to the dead-letter subject and returns err marked with
// errDeadLettered, so the runtime terminates m.
func (d *deadLetterer) handle(ctx context.Context, m *Msg, err error) error {
	if !IsPermanent(err) && (d.maxDeliver <= 0 || m.Delivered < uint64(d.maxDeliver)) {
		return err
	}
	h := nats.Header{}
	h.Set(HeaderReason, truncate(err.Error(), 1000))
	h.Set(HeaderStage, d.stage)
	h.Set(HeaderSubject, m.Subject)
	h.Set(HeaderDelivered, strconv.FormatUint(m.Delivered, 10))
	msg := &nats.Msg{Subject: DeadSubject(d.stage), Data: m.Data, Header: h}
	if _, perr := d.conn.js.PublishMsg(ctx, msg); perr != nil {
		return fmt.Errorf("dead-letter copy failed (%v) after: %w", perr, err)
	}
	d.counter.Inc()
	return fmt.Errorf("%w: %w", errDeadLettered, err)
}
