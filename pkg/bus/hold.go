package bus

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Held is a message whose settlement its handler took over: the runtime
// neither acks nor naks it. The holder must call Ack or Nak eventually,
// and InProgress while it holds the message longer than the consumer's
// AckWait. Used by stages that batch or settle asynchronously.
type Held struct {
	raw jetstream.Msg
}

// Hold detaches the message from the runtime's settlement. Call it before
// the handler returns; the handler's error and outbox are then ignored.
func (m *Msg) Hold() *Held {
	m.held = true
	return &Held{raw: m.raw}
}

// Ack acknowledges the message.
func (h *Held) Ack() error { return h.raw.Ack() }

// Nak asks for redelivery after delay.
func (h *Held) Nak(delay time.Duration) error { return h.raw.NakWithDelay(delay) }

// InProgress resets the message's AckWait timer.
func (h *Held) InProgress() error { return h.raw.InProgress() }
