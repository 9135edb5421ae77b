package bus

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Msg is one delivered message as a stage sees it.
type Msg struct {
	Subject string
	Data    []byte
	Header  nats.Header
	// Delivered counts deliveries of this message, starting at 1.
	Delivered uint64

	raw  jetstream.Msg
	tr   *tracker
	held bool
	// spec is the consumer the message came from (nil outside Run); dead
	// is the stage's dead-letter path (nil without the DeadLetter
	// middleware). Held.Done settles with them.
	spec *ConsumerSpec
	dead *deadLetterer
}

// Handler is the one shape of every stage's message handler.
//
// A nil error means done: the runtime publishes everything added to out,
// waits until JetStream has stored all of it, then acks the message. An
// ordinary error means "retry later": nothing in out is published and the
// message is redelivered after a delay that grows with its delivery count.
// An error wrapped with Permanent means the message can never succeed: it
// is terminated and copied to the stage's dead-letter subject with the
// reason; so is a message whose last allowed delivery (MaxDeliver) failed.
//
// A handler that calls m.Hold() takes over the message's settlement: its
// error and out are ignored, and the holder later calls Held.Done with the
// outcome, which the same rule settles (nil: ack; ordinary error: retry
// after the growing delay; permanent or last delivery: dead letter). The
// holder publishes its own outputs (PublishAll) before calling Done(nil).
type Handler func(ctx context.Context, m *Msg, out *Outbox) error

// Middleware wraps a Handler with cross-cutting behaviour.
type Middleware func(Handler) Handler

// Chain applies middleware so that the first one listed runs outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Outbox collects the messages a handler wants published downstream.
// It is owned by one handler call and not safe for concurrent use.
type Outbox struct {
	items []outMsg
}

type outMsg struct {
	subject string
	id      string
	data    []byte
	header  nats.Header
}

// Add queues data for subject with id as its Nats-Msg-Id, so a replay of
// the same input publishes nothing twice within the duplicate window.
func (o *Outbox) Add(subject, id string, data []byte) {
	o.items = append(o.items, outMsg{subject: subject, id: id, data: data})
}

// Len is the number of queued messages.
func (o *Outbox) Len() int { return len(o.items) }

func (o *Outbox) reset() { o.items = o.items[:0] }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that no retry can fix.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// errDeadLettered is returned by the dead-letter middleware once the
// message is safely copied to the dead-letter subject: terminate it.
var errDeadLettered = errors.New("dead-lettered")
