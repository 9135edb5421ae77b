package llm

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBreakerPausesUntilProbeSucceeds(t *testing.T) {
	timers := make(chan chan time.Time, 4)
	after := func(time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		timers <- ch
		return ch
	}
	b := NewBreaker(2, time.Second, after)
	ctx := context.Background()
	for range 2 {
		p, _ := b.Acquire(ctx)
		b.Done(p, KindUnavailable)
	}
	if !b.Open() {
		t.Fatal("breaker not open after 2 failures")
	}
	// While open, callers wait instead of failing.
	short, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Acquire(short); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire while open = %v, want to block until the context ends", err)
	}
	waiter := make(chan bool, 2)
	for range 2 {
		go func() {
			p, err := b.Acquire(ctx)
			if err != nil {
				t.Error(err)
			}
			waiter <- p
		}()
	}
	(<-timers) <- time.Time{} // cooldown over: exactly one probe goes
	if p := <-waiter; !p {
		t.Fatal("first caller after cooldown is not the probe")
	}
	select {
	case <-waiter:
		t.Fatal("second caller released before the probe answered")
	default:
	}
	b.Done(true, KindUnavailable) // probe fails: another cooldown
	(<-timers) <- time.Time{}
	if p := <-waiter; !p {
		t.Fatal("second caller is not the next probe")
	}
	b.Done(true, KindOK)
	if b.Open() || b.Trips() != 2 {
		t.Fatalf("open=%v trips=%d, want closed after 2 trips", b.Open(), b.Trips())
	}
}

func TestBreakerIgnoresPermanentErrors(t *testing.T) {
	b := NewBreaker(1, time.Second, nil)
	p, _ := b.Acquire(context.Background())
	b.Done(p, KindPermanent)
	if b.Open() {
		t.Fatal("a 400 opened the breaker")
	}
}
