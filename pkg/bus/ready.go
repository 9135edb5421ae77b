package bus

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Waiting is told about each wait for a JetStream that is not ready yet:
// what was attempted, the error it got and when it is tried again.
type Waiting func(what string, err error, retryIn time.Duration)

// NotReady reports whether err comes from a JetStream that is not ready
// yet rather than from a request that cannot succeed: JetStream not
// (yet) enabled, a cluster without a meta leader or not enough peers for
// the replicas, no responders, or a request that timed out.
func NotReady(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, jetstream.ErrServerShutdown) {
		return true
	}
	var api *jetstream.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode {
		case 10005, // no suitable peers for placement: peers not known yet
			10008, // JetStream system temporarily unavailable: no meta leader
			10009: // the cluster cannot handle the request yet
			return true
		}
	}
	return false
}

// attemptTimeout bounds one attempt: a cluster without a meta leader
// leaves requests unanswered rather than refusing them.
const attemptTimeout = 5 * time.Second

// whenReady runs fn until it succeeds, fails for a reason other than
// NotReady, or ctx ends. Each attempt has its own deadline and waits grow
// from 250ms to 5s. Without a Waiting callback it tries once.
func (c *Conn) whenReady(ctx context.Context, what string, fn func(context.Context) error) error {
	delay := 250 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		err := fn(actx)
		cancel()
		if err == nil || c.waiting == nil || !NotReady(err) || ctx.Err() != nil {
			return err
		}
		c.waiting(what, err, delay)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}
