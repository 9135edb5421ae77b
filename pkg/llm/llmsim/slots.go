package llmsim

import (
	"context"
	"sync"
	"time"
)

// slots bounds concurrent calls and integrates busy slot-time, so load
// tests can tell how well a client keeps the server busy.
type slots struct {
	sem chan struct{}

	mu    sync.Mutex
	inUse int
	last  time.Time
	busy  time.Duration
}

func newSlots(n int) *slots { return &slots{sem: make(chan struct{}, n), last: time.Now()} }

// tryAcquire takes a slot if one is free.
func (s *slots) tryAcquire() bool {
	select {
	case s.sem <- struct{}{}:
		s.add(1)
		return true
	default:
		return false
	}
}

// acquire waits for a slot.
func (s *slots) acquire(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		s.add(1)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *slots) release() {
	s.add(-1)
	<-s.sem
}

func (s *slots) add(d int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.busy += time.Duration(s.inUse) * now.Sub(s.last)
	s.last, s.inUse = now, s.inUse+d
}

// busySeconds is the slot-time spent busy so far and the slots in use.
func (s *slots) busySeconds() (float64, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.busy += time.Duration(s.inUse) * now.Sub(s.last)
	s.last = now
	return s.busy.Seconds(), s.inUse
}
