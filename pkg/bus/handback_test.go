package bus_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

// holder is a handler that holds every message it gets and remembers it.
type holder struct {
	mu   sync.Mutex
	held map[string]*bus.Held
	// deliveries counts handler calls per message body.
	deliveries map[string]int
}

func newHolder() *holder {
	return &holder{held: map[string]*bus.Held{}, deliveries: map[string]int{}}
}

func (h *holder) handle(_ context.Context, m *bus.Msg, _ *bus.Outbox) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held[string(m.Data)] = m.Hold()
	h.deliveries[string(m.Data)]++
	return nil
}

func (h *holder) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.held)
}

func (h *holder) ackAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, m := range h.held {
		_ = m.Ack()
		delete(h.held, id)
	}
}

// replica runs spec with h until stop is called.
type replica struct {
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

func startReplica(t *testing.T, c *bus.Conn, spec bus.ConsumerSpec, h bus.Handler) *replica {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- c.Run(ctx, spec, h) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the replica and waits for Run to return; safe to repeat.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if r.stopped {
		return
	}
	select {
	case err := <-r.done:
		r.stopped = true
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("consumer did not stop within a minute")
	}
}

func publishTo(t *testing.T, c *bus.Conn, subject string, n int) {
	t.Helper()
	var out bus.Outbox
	for i := range n {
		id := fmt.Sprintf("m%d", i)
		out.Add(subject, id, []byte(id))
	}
	if err := c.PublishAll(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
}

// TestStoppingConsumerHandsBackHeldMessages stops a replica that holds
// messages it will never settle: they reach the next replica at once,
// not after the AckWait (ten minutes here).
func TestStoppingConsumerHandsBackHeldMessages(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	spec := bus.ConsumerSpec{Stage: "test", Stream: bus.StreamClassify, Durable: "test", AckWait: 10 * time.Minute, Grace: 500 * time.Millisecond}
	const n = 20
	publishTo(t, c, bus.SubjectClassify, n)
	first := newHolder()
	r := startReplica(t, c, spec, first.handle)
	bustest.Eventually(t, 10*time.Second, func() bool { return first.count() == n }, "first replica holds every message")
	r.stop(t)

	second := newHolder()
	startReplica(t, c, spec, second.handle)
	bustest.Eventually(t, 30*time.Second, func() bool { return second.count() == n },
		"the stopped replica's messages reach the next one well before the AckWait")
	second.ackAll()
	bustest.Eventually(t, 10*time.Second, func() bool { return streamMsgs(t, c, bus.StreamClassify) == 0 }, "all acked")
}

// TestHeldMessagesAreKeptAlive holds messages three times longer than the
// AckWait: the runtime keeps them alive, so none is redelivered.
func TestHeldMessagesAreKeptAlive(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	spec := bus.ConsumerSpec{Stage: "test", Stream: bus.StreamClassify, Durable: "test", AckWait: time.Second, Grace: 500 * time.Millisecond}
	const n = 10
	publishTo(t, c, bus.SubjectClassify, n)
	h := newHolder()
	startReplica(t, c, spec, h.handle)
	bustest.Eventually(t, 10*time.Second, func() bool { return h.count() == n }, "every message held")
	release := time.Now().Add(3 * spec.AckWait)
	for time.Now().Before(release) {
		time.Sleep(50 * time.Millisecond)
	}
	h.ackAll()
	bustest.Eventually(t, 10*time.Second, func() bool { return streamMsgs(t, c, bus.StreamClassify) == 0 }, "all acked")
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, d := range h.deliveries {
		if d != 1 {
			t.Errorf("%s delivered %d times while held, want once", id, d)
		}
	}
}

// TestLongHandlerIsKeptAlive runs a handler three times longer than the
// AckWait: the message is not redelivered meanwhile.
func TestLongHandlerIsKeptAlive(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	spec := bus.ConsumerSpec{Stage: "test", Stream: bus.StreamClassify, Durable: "test", AckWait: time.Second, Concurrency: 2}
	var calls atomic.Int64
	startReplica(t, c, spec, func(ctx context.Context, m *bus.Msg, _ *bus.Outbox) error {
		calls.Add(1)
		select {
		case <-time.After(3 * time.Second):
		case <-ctx.Done():
		}
		return nil
	})
	publishTo(t, c, bus.SubjectClassify, 1)
	bustest.Eventually(t, 20*time.Second, func() bool { return streamMsgs(t, c, bus.StreamClassify) == 0 }, "message acked")
	if got := calls.Load(); got != 1 {
		t.Errorf("handler ran %d times, want once", got)
	}
}

// pinnedSpec is a partition consumer pinned to one replica at a time.
func pinnedSpec(ttl, ackWait time.Duration) bus.ConsumerSpec {
	return bus.ConsumerSpec{
		Stage: "test", Stream: bus.StreamAccepted, Durable: "test-p0", Filter: bus.AcceptedSubject(0),
		PriorityGroup: "test", PinnedTTL: ttl, AckWait: ackWait, MaxAckPending: 100, Grace: 500 * time.Millisecond,
	}
}

// TestStoppingPinnedReplicaUnpins stops the pinned replica of a consumer
// while a standby runs: the standby gets the held messages and the new
// ones at once, not after the pin's TTL or the AckWait (ten minutes here).
func TestStoppingPinnedReplicaUnpins(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	spec := pinnedSpec(10*time.Minute, 10*time.Minute)
	first := newHolder()
	r := startReplica(t, c, spec, first.handle)
	publishTo(t, c, bus.AcceptedSubject(0), 5)
	bustest.Eventually(t, 10*time.Second, func() bool { return first.count() == 5 }, "first replica pinned and holding")
	standby := newHolder()
	startReplica(t, c, spec, standby.handle)
	r.stop(t)
	bustest.Eventually(t, 30*time.Second, func() bool { return standby.count() == 5 },
		"the standby takes the pin and the held messages well before the TTL")
	standby.ackAll()
	bustest.Eventually(t, 10*time.Second, func() bool { return streamMsgs(t, c, bus.StreamAccepted) == 0 }, "all acked")
}

// TestPinnedReplicaKeepsPinWhileHolding has the pinned replica hold its
// whole MaxAckPending, pulling nothing, for several pin TTLs: it renews
// its pin meanwhile, so the standby gets nothing and the records of a
// part stay on one replica.
func TestPinnedReplicaKeepsPinWhileHolding(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	spec := pinnedSpec(2*time.Second, time.Minute)
	spec.MaxAckPending = 5
	first := newHolder()
	startReplica(t, c, spec, first.handle)
	publishTo(t, c, bus.AcceptedSubject(0), 5)
	bustest.Eventually(t, 10*time.Second, func() bool { return first.count() == 5 }, "first replica pinned and full")
	standby := newHolder()
	startReplica(t, c, spec, standby.handle)
	var more bus.Outbox
	for i := range 5 {
		id := fmt.Sprintf("late%d", i)
		more.Add(bus.AcceptedSubject(0), id, []byte(id))
	}
	if err := c.PublishAll(context.Background(), &more); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(3 * spec.PinnedTTL)
	for time.Now().Before(until) {
		if n := standby.count(); n > 0 {
			t.Fatalf("standby got %d messages while the pinned replica was alive", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	first.ackAll()
	bustest.Eventually(t, 10*time.Second, func() bool { return first.count() == 5 }, "the pinned replica gets the later messages")
	if n := standby.count(); n > 0 {
		t.Errorf("standby got %d messages", n)
	}
	first.ackAll()
}
