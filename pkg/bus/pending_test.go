package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

func TestPendingCounts(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	ctx := context.Background()
	spec := bus.ConsumerSpec{Stage: "test", Stream: bus.StreamClassify, Durable: "test"}
	cons, err := c.Consumer(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"m1", "m2", "m3"} {
		publish(t, c, id)
	}
	// One message delivered and not acknowledged still counts as pending
	// for the consumer, not as waiting in the stream's consumers.
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for range batch.Messages() {
	}
	tests := []struct {
		name string
		get  func() (int64, error)
		want int64
	}{
		{name: "consumer pending and unacknowledged", get: func() (int64, error) {
			return c.Pending(ctx, bus.StreamClassify, "test")
		}, want: 3},
		{name: "stream's consumers not delivered", get: func() (int64, error) {
			return c.ConsumersPending(ctx, bus.StreamClassify)
		}, want: 2},
		{name: "stream messages", get: func() (int64, error) {
			n, err := c.StreamMsgs(ctx, bus.StreamClassify)
			return int64(n), err
		}, want: 3},
		{name: "stream without consumers", get: func() (int64, error) {
			return c.ConsumersPending(ctx, bus.StreamValidate)
		}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	if _, err := c.Pending(ctx, bus.StreamClassify, "nope"); err == nil {
		t.Error("Pending of a missing consumer succeeded")
	}
}

func TestJobStoreReadsOfMissingKeys(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	jobs, err := c.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var v map[string]any
	_, err = jobs.GetJSON(ctx, bus.Key("j1", "part", "0"), &v)
	if !errors.Is(err, bus.ErrNotFound) || !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Errorf("GetJSON of a missing key = %v, want ErrNotFound and jetstream.ErrKeyNotFound", err)
	}
	_, err = jobs.Get(ctx, "j1")
	if !errors.Is(err, bus.ErrNotFound) || !errors.Is(err, bus.ErrJobNotFound) {
		t.Errorf("Get of a missing job = %v, want ErrNotFound and ErrJobNotFound", err)
	}
	_, err = jobs.Update(ctx, "j1", func(*jobRecord) error { return nil })
	if !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("Update of a missing job = %v, want ErrNotFound", err)
	}
}

func TestAbortClosesAtOnce(t *testing.T) {
	s := bustest.Server(t)
	c := bustest.Conn(t, s)
	c.Abort()
	if err := c.Ready(); err == nil {
		t.Error("Ready after Abort succeeded")
	}
	var out bus.Outbox
	out.Add(bus.SubjectClassify, "m1", []byte("m1"))
	if err := c.PublishAll(context.Background(), &out); err == nil {
		t.Error("publish after Abort succeeded")
	}
	other := bustest.Conn(t, s)
	if n, err := other.StreamMsgs(context.Background(), bus.StreamClassify); err != nil || n != 0 {
		t.Errorf("stream after an aborted publish holds (%d, %v), want (0, nil)", n, err)
	}
}
