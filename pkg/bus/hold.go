package bus

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Held is a message whose settlement its handler took over: the runtime
// neither acks nor naks it. The holder must call Ack or Nak eventually.
// Until then the runtime keeps it alive (InProgress every third of the
// AckWait), so a short AckWait only bounds how long the messages of a
// process that died stay hidden from the other replicas; and when the
// consumer stops, the messages still held after the grace period are
// handed back (Nak) for another replica to take at once. Used by stages
// that batch or settle asynchronously.
//
// Settle a held message once, with Done (preferred: it follows the
// Handler rule) or with Ack or Nak. Safe to settle from any goroutine.
type Held struct {
	m   *Msg
	raw jetstream.Msg
	tr  *tracker
}

// Hold detaches the message from the runtime's settlement. Call it before
// the handler returns; the handler's error and outbox are then ignored.
func (m *Msg) Hold() *Held {
	m.held = true
	return &Held{m: m, raw: m.raw, tr: m.tr}
}

// deadLetterTimeout bounds the dead-letter copy of a held message, which
// has no handler context.
const deadLetterTimeout = 30 * time.Second

// Done settles the message as the runtime settles a handler's result: nil
// acks it; an ordinary error naks it with the consumer's delay for its
// delivery count (ConsumerSpec.NakDelay, growing); an error marked
// Permanent, or an ordinary error on the last allowed delivery, copies it
// to the stage's dead-letter subject with the reason and terminates it
// (with the DeadLetter middleware; without it the message is terminated,
// or naked). A failed dead-letter copy naks the message instead.
func (h *Held) Done(err error) {
	defer h.tr.remove(h.raw)
	if err == nil {
		_ = h.raw.Ack()
		return
	}
	if h.m.dead != nil {
		ctx, cancel := context.WithTimeout(context.Background(), deadLetterTimeout)
		err = h.m.dead.handle(ctx, h.m, err)
		cancel()
	}
	settleFailed(h.raw, err, h.m.spec.nakDelay(h.m.Delivered))
}

// Ack acknowledges the message.
func (h *Held) Ack() error {
	h.tr.remove(h.raw)
	return h.raw.Ack()
}

// Nak asks for redelivery after delay.
func (h *Held) Nak(delay time.Duration) error {
	h.tr.remove(h.raw)
	return h.raw.NakWithDelay(delay)
}

// InProgress resets the message's AckWait timer. The runtime already does
// it for every held message; an explicit call is harmless.
func (h *Held) InProgress() error { return h.raw.InProgress() }

// tracker is the set of messages a consumer replica has taken and not yet
// settled: those in a handler and those held. It keeps them alive and,
// when the consumer stops, hands back what is left. A nil tracker does
// nothing (messages built outside Run).
type tracker struct {
	mu   sync.Mutex
	msgs map[jetstream.Msg]struct{}
}

func newTracker() *tracker { return &tracker{msgs: map[jetstream.Msg]struct{}{}} }

func (t *tracker) add(m jetstream.Msg) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.msgs[m] = struct{}{}
	t.mu.Unlock()
}

func (t *tracker) remove(m jetstream.Msg) {
	if t == nil {
		return
	}
	t.mu.Lock()
	delete(t.msgs, m)
	t.mu.Unlock()
}

func (t *tracker) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.msgs)
}

func (t *tracker) snapshot() []jetstream.Msg {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]jetstream.Msg, 0, len(t.msgs))
	for m := range t.msgs {
		out = append(out, m)
	}
	return out
}

// keepAlive sends InProgress for every tracked message each interval
// until ctx ends.
func (t *tracker) keepAlive(ctx context.Context, every time.Duration) {
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
		for _, m := range t.snapshot() {
			_ = m.InProgress()
		}
	}
}

// settle waits until every tracked message is settled, or until done is
// closed, then naks the ones left so they are redelivered at once; it
// returns how many it handed back.
func (t *tracker) settle(done <-chan struct{}) int {
	tk := time.NewTicker(20 * time.Millisecond)
	defer tk.Stop()
	for t.len() > 0 {
		select {
		case <-done:
			return t.handBack()
		case <-tk.C:
		}
	}
	return 0
}

func (t *tracker) handBack() int {
	t.mu.Lock()
	msgs := t.msgs
	t.msgs = map[jetstream.Msg]struct{}{}
	t.mu.Unlock()
	for m := range msgs {
		_ = m.Nak()
	}
	return len(msgs)
}
