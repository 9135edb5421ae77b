package llm

import (
	"context"
	"sync"
	"time"
)

// Breaker is a circuit breaker that pauses callers instead of failing them:
// after Threshold consecutive retryable failures other than 429 it opens, every Acquire
// blocks (until its context ends) through a cooldown, then one caller is
// let through as a probe. The probe's success closes the breaker and
// releases everyone; its failure starts another cooldown. A job's retry
// budget is therefore not spent while a server is down. Safe for
// concurrent use.
type Breaker struct {
	threshold int
	cooldown  time.Duration
	after     func(time.Duration) <-chan time.Time

	mu      sync.Mutex
	fails   int
	open    bool
	cooled  bool // the cooldown is over: the next Acquire is the probe
	probing bool
	gen     int // bumps at each trip so stale cooldown timers are ignored
	changed chan struct{}
	tripped int
}

// NewBreaker returns a breaker opening after threshold consecutive
// failures (threshold <= 0 disables it) and probing after cooldown. after
// is the timer source (time.After when nil).
func NewBreaker(threshold int, cooldown time.Duration, after func(time.Duration) <-chan time.Time) *Breaker {
	if after == nil {
		after = time.After
	}
	return &Breaker{threshold: threshold, cooldown: cooldown, after: after, changed: make(chan struct{})}
}

// Acquire waits until a call may go to the server. probe is true when the
// caller is the half-open probe; it must report with Done either way.
func (b *Breaker) Acquire(ctx context.Context) (probe bool, err error) {
	for {
		b.mu.Lock()
		if !b.open {
			b.mu.Unlock()
			return false, nil
		}
		if b.cooled && !b.probing {
			b.probing = true
			b.mu.Unlock()
			return true, nil
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// Done reports the outcome of a call let through by Acquire.
func (b *Breaker) Done(probe bool, kind ErrorKind) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case kind == KindCanceled:
		if probe { // nothing learnt: let another caller probe
			b.probing = false
			b.broadcast()
		}
	case kind == KindRateLimited:
		// The server answered, it is busy rather than down: the adaptive
		// window handles that, the breaker neither counts nor clears it.
		if probe {
			b.fails = 0
			b.open, b.cooled, b.probing = false, false, false
			b.broadcast()
		}
	case (&CallError{Kind: kind}).Retryable():
		b.fails++
		if probe {
			b.probing = false
			b.trip()
		} else if !b.open && b.threshold > 0 && b.fails >= b.threshold {
			b.trip()
		}
	default: // the server answered: it is up
		b.fails = 0
		if b.open {
			b.open, b.cooled, b.probing = false, false, false
			b.broadcast()
		}
	}
}

// Open reports whether the breaker is holding callers.
func (b *Breaker) Open() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

// Trips is the number of times the breaker opened.
func (b *Breaker) Trips() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tripped
}

func (b *Breaker) trip() {
	b.open, b.cooled = true, false
	b.gen++
	b.tripped++
	b.broadcast()
	gen, timer := b.gen, b.after(b.cooldown)
	go func() {
		<-timer
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.open && b.gen == gen {
			b.cooled = true
			b.broadcast()
		}
	}()
}

func (b *Breaker) broadcast() {
	close(b.changed)
	b.changed = make(chan struct{})
}
