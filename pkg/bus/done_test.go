package bus_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// deliveries records when each delivery of a held message arrived and
// when its holder settled it.
type deliveries struct {
	mu      sync.Mutex
	arrived []time.Time
	settled []time.Time
}

func (d *deliveries) arrive() {
	d.mu.Lock()
	d.arrived = append(d.arrived, time.Now())
	d.mu.Unlock()
}

func (d *deliveries) settle() {
	d.mu.Lock()
	d.settled = append(d.settled, time.Now())
	d.mu.Unlock()
}

func (d *deliveries) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.arrived)
}

// gaps returns, for each redelivery, the time since the previous delivery
// was settled.
func (d *deliveries) gaps() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(d.arrived) && i-1 < len(d.settled); i++ {
		out = append(out, d.arrived[i].Sub(d.settled[i-1]))
	}
	return out
}

// runHeld consumes the classify stream like a stage whose handler holds
// every message and settles it from another goroutine with
// Done(outcome(delivered)).
func runHeld(t *testing.T, c *bus.Conn, spec bus.ConsumerSpec, outcome func(delivered uint64) error) (*deliveries, *telemetry.Metrics) {
	t.Helper()
	met := telemetry.NewMetrics()
	d := &deliveries{}
	h := bus.Chain(func(_ context.Context, m *bus.Msg, _ *bus.Outbox) error {
		d.arrive()
		held, delivered := m.Hold(), m.Delivered
		go func() {
			d.settle()
			held.Done(outcome(delivered))
		}()
		return nil
	}, bus.Observe(spec.Stage, zerolog.Nop(), met), bus.DeadLetter(c, spec.Stage, spec.MaxDeliver, met), bus.Recover())
	startReplica(t, c, spec, h)
	return d, met
}

func TestHeldDone(t *testing.T) {
	const nakDelay = 100 * time.Millisecond
	transient := errors.New("store unavailable")
	tests := []struct {
		name      string
		outcome   func(delivered uint64) error
		wantCalls int
		wantDead  uint64
		// wantReason is the dead letter's reason header.
		wantReason string
	}{
		{name: "nil acks", outcome: func(uint64) error { return nil }, wantCalls: 1},
		{name: "error retries after the growing delay", outcome: func(d uint64) error {
			if d < 3 {
				return transient
			}
			return nil
		}, wantCalls: 3},
		{name: "permanent goes to dead letters at once", outcome: func(uint64) error {
			return bus.Permanent(errors.New("field turns: missing"))
		}, wantCalls: 1, wantDead: 1, wantReason: "field turns: missing"},
		{name: "last delivery goes to dead letters", outcome: func(uint64) error { return transient },
			wantCalls: 3, wantDead: 1, wantReason: "store unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bustest.Conn(t, bustest.Server(t))
			spec := bus.ConsumerSpec{
				Stage: "held", Stream: bus.StreamClassify, Durable: "held", MaxDeliver: 3,
				NakDelay: nakDelay, NakMaxDelay: time.Second, Grace: time.Second,
			}
			d, met := runHeld(t, c, spec, tt.outcome)
			publish(t, c, "m1")
			bustest.Eventually(t, 10*time.Second, func() bool {
				return streamMsgs(t, c, bus.StreamClassify) == 0
			}, "held message settled")
			if got := d.count(); got != tt.wantCalls {
				t.Errorf("deliveries = %d, want %d", got, tt.wantCalls)
			}
			// The server redelivers no sooner than the spec's delay for
			// the failed delivery: NakDelay, then twice it.
			for i, gap := range d.gaps() {
				if want := nakDelay << i; gap < want {
					t.Errorf("redelivery %d came %v after the nak, want at least %v", i+2, gap, want)
				}
			}
			if got := streamMsgs(t, c, bus.StreamDead); got != tt.wantDead {
				t.Errorf("dead letters = %d, want %d", got, tt.wantDead)
			}
			if got := testutil.ToFloat64(met.DeadLetters.WithLabelValues("held")); got != float64(tt.wantDead) {
				t.Errorf("dead letters counted = %v, want %d", got, tt.wantDead)
			}
			if tt.wantDead == 0 {
				return
			}
			s, err := bus.JetStreamOf(c).Stream(context.Background(), bus.StreamDead)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := s.GetLastMsgForSubject(context.Background(), bus.DeadSubject("held"))
			if err != nil {
				t.Fatal(err)
			}
			if got := msg.Header.Get(bus.HeaderReason); got != tt.wantReason {
				t.Errorf("reason header = %q, want %q", got, tt.wantReason)
			}
			if string(msg.Data) != "m1" {
				t.Errorf("dead letter data = %q, want the original message", msg.Data)
			}
		})
	}
}
