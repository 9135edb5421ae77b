package bus_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/bus/embedded"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// run consumes the classify stream with h (wrapped like a stage) until the
// test ends.
func run(t *testing.T, c *bus.Conn, maxDeliver int, h bus.Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	met := telemetry.NewMetrics()
	spec := bus.ConsumerSpec{
		Stage: "test", Stream: bus.StreamClassify, Durable: "test", MaxDeliver: maxDeliver,
		NakDelay: 10 * time.Millisecond, NakMaxDelay: 20 * time.Millisecond, Grace: time.Second,
	}
	h = bus.Chain(h, bus.Observe("test", zerolog.Nop(), met), bus.DeadLetter(c, "test", maxDeliver, met), bus.Recover())
	go func() {
		defer close(done)
		if err := c.Run(ctx, spec, h); err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func publish(t *testing.T, c *bus.Conn, id string) {
	t.Helper()
	var out bus.Outbox
	out.Add(bus.SubjectClassify, id, []byte(id))
	if err := c.PublishAll(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
}

func streamMsgs(t *testing.T, c *bus.Conn, stream string) uint64 {
	t.Helper()
	s, err := bus.JetStreamOf(c).Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func TestHandlerOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(delivered uint64) error
		wantCalls int64
		wantDead  uint64
		wantOut   uint64
	}{
		{name: "ok publishes then acks", fail: func(uint64) error { return nil }, wantCalls: 1, wantOut: 1},
		{name: "retry then ok", fail: func(d uint64) error {
			if d < 3 {
				return errors.New("transient")
			}
			return nil
		}, wantCalls: 3, wantOut: 1},
		{name: "permanent goes to dead letters at once", fail: func(uint64) error { return bus.Permanent(errors.New("bad input")) }, wantCalls: 1, wantDead: 1},
		{name: "last delivery goes to dead letters", fail: func(uint64) error { return errors.New("always") }, wantCalls: 4, wantDead: 1},
		{name: "panic goes to dead letters", fail: func(uint64) error { panic("boom") }, wantCalls: 1, wantDead: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bustest.Conn(t, bustest.Server(t))
			var calls atomic.Int64
			run(t, c, 4, func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
				calls.Add(1)
				out.Add(bus.SubjectValidate, "out-"+string(m.Data), m.Data)
				return tt.fail(m.Delivered)
			})
			publish(t, c, "m1")
			bustest.Eventually(t, 10*time.Second, func() bool {
				return streamMsgs(t, c, bus.StreamClassify) == 0
			}, "input message settled")
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("handler calls = %d, want %d", got, tt.wantCalls)
			}
			if got := streamMsgs(t, c, bus.StreamDead); got != tt.wantDead {
				t.Errorf("dead letters = %d, want %d", got, tt.wantDead)
			}
			if got := streamMsgs(t, c, bus.StreamValidate); got != tt.wantOut {
				t.Errorf("downstream messages = %d, want %d", got, tt.wantOut)
			}
		})
	}
}

func TestDeadLetterCarriesReason(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	run(t, c, 3, func(context.Context, *bus.Msg, *bus.Outbox) error {
		return bus.Permanent(errors.New("field turns: missing"))
	})
	publish(t, c, "m1")
	bustest.Eventually(t, 10*time.Second, func() bool { return streamMsgs(t, c, bus.StreamDead) == 1 }, "dead letter stored")
	s, _ := bus.JetStreamOf(c).Stream(context.Background(), bus.StreamDead)
	msg, err := s.GetLastMsgForSubject(context.Background(), bus.DeadSubject("test"))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get(bus.HeaderReason); got != "field turns: missing" {
		t.Errorf("reason header = %q", got)
	}
	if string(msg.Data) != "m1" {
		t.Errorf("dead letter data = %q, want the original message", msg.Data)
	}
}

func TestDuplicatePublishIsStoredOnce(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	publish(t, c, "same")
	publish(t, c, "same")
	if got := streamMsgs(t, c, bus.StreamClassify); got != 1 {
		t.Errorf("messages = %d, want 1 (Nats-Msg-Id de-duplication)", got)
	}
}

func TestUnauthenticatedClientIsRefused(t *testing.T) {
	s := bustest.ServerWith(t, embedded.Config{User: "synth", Password: "canary-secret-8731"})
	ctx := context.Background()
	_, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL()})
	if err == nil {
		t.Fatal("connect without credentials succeeded")
	}
	_, err = bus.Connect(ctx, bus.Config{URL: s.ClientURL(), User: "synth", Password: "wrong"})
	if err == nil {
		t.Fatal("connect with a wrong password succeeded")
	}
	c, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), User: "synth", Password: "canary-secret-8731"})
	if err != nil {
		t.Fatalf("connect with credentials: %v", err)
	}
	c.Close()
}

func TestJobsUpdateIsCompareAndSet(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	jobs, err := c.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := jobs.Create(ctx, jobState("j1")); err != nil {
		t.Fatal(err)
	}
	if err := jobs.Create(ctx, jobState("j1")); !errors.Is(err, bus.ErrJobExists) {
		t.Fatalf("second create: %v, want ErrJobExists", err)
	}
	done := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := jobs.Update(ctx, "j1", func(j *jobRecord) error { j.Accepted++; return nil })
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	j, err := jobs.Get(ctx, "j1")
	if err != nil {
		t.Fatal(err)
	}
	if j.Accepted != 8 {
		t.Errorf("accepted = %d after 8 concurrent increments", j.Accepted)
	}
	if _, err := jobs.Get(ctx, "nope"); !errors.Is(err, bus.ErrJobNotFound) {
		t.Errorf("missing job: %v", err)
	}
}
