package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"
)

// ErrNoResponders is matched (errors.Is) by the error of a Request that
// found nobody serving its subject until its context ended.
var ErrNoResponders = errors.New("nobody serves the subject")

// ServeOption configures Serve.
type ServeOption func(*serveOptions)

type serveOptions struct {
	log *zerolog.Logger
}

// ServeLog makes Serve log the replies it could not send (the requester
// gave up, the connection failed); without it they are dropped silently,
// as the requester sees its own error.
func ServeLog(log zerolog.Logger) ServeOption {
	return func(o *serveOptions) { o.log = &log }
}

// Serve answers requests on subject, in queue group queue so any number of
// replicas share them, until ctx ends; it then drains the subscription and
// returns its error (nil once every request taken was answered).
//
// fn runs on the subscription's goroutine, one request at a time per
// replica, and its result is the reply; a nil result sends no reply, as
// from a process that died mid-request (the requester times out). fn is
// given ctx itself, so a request in progress sees the replica stopping.
func (c *Conn) Serve(ctx context.Context, subject, queue string, fn func(ctx context.Context, data []byte) []byte, opts ...ServeOption) error {
	var o serveOptions
	for _, opt := range opts {
		opt(&o)
	}
	sub, err := c.nc.QueueSubscribe(subject, queue, func(m *nats.Msg) {
		reply := fn(ctx, m.Data)
		if reply == nil {
			return
		}
		if err := m.Respond(reply); err != nil && o.log != nil {
			o.log.Warn().Err(err).Str("subject", subject).Msg("reply not sent")
		}
	})
	if err != nil {
		return fmt.Errorf("serve %s: %w", subject, err)
	}
	<-ctx.Done()
	if err := sub.Drain(); err != nil {
		return fmt.Errorf("stop serving %s: %w", subject, err)
	}
	return nil
}

// Request sends data to whoever serves subject and returns the reply. While
// nobody serves it (a replica starting or restarting) it asks again after
// 50ms, doubling up to 2s, until ctx ends; the error then matches
// ErrNoResponders. ctx bounds the whole exchange: give it a deadline.
func (c *Conn) Request(ctx context.Context, subject string, data []byte) ([]byte, error) {
	msg, err := c.nc.RequestWithContext(ctx, subject, data)
	for delay := 50 * time.Millisecond; errors.Is(err, nats.ErrNoResponders); delay = min(2*delay, 2*time.Second) {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("request %s: %w: %w", subject, ErrNoResponders, err)
		case <-time.After(delay):
		}
		msg, err = c.nc.RequestWithContext(ctx, subject, data)
	}
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", subject, err)
	}
	return msg.Data, nil
}
