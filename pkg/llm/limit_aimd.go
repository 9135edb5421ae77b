package llm

import (
	"context"
	"sync"
)

// window is an adaptive concurrency limit (AIMD): it grows by one per
// success until the first congestion signal (slow start), then by 1/limit
// per success (about one per round trip), and shrinks by the factor beta on
// congestion, at most once per round trip: a signal from a call that began
// before the last cut is ignored, since it reports the old limit.
type window struct {
	min, max, beta float64

	mu        sync.Mutex
	limit     float64
	inflight  int
	seq       uint64 // tickets handed out
	cutAt     uint64 // seq at the last decrease
	slowStart bool
	changed   chan struct{}
}

func newWindow(minN, maxN, initial int, beta float64) *window {
	return &window{
		min: float64(minN), max: float64(maxN), beta: beta,
		limit: float64(initial), slowStart: true, changed: make(chan struct{}),
	}
}

// acquire waits for a free slot and returns the ticket to pass to release.
func (w *window) acquire(ctx context.Context) (uint64, error) {
	for {
		w.mu.Lock()
		if w.inflight < int(w.limit) {
			w.inflight++
			w.seq++
			t := w.seq
			w.mu.Unlock()
			return t, nil
		}
		ch := w.changed
		w.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// release frees the slot of ticket and adapts the limit to kind.
func (w *window) release(ticket uint64, kind ErrorKind) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inflight--
	switch {
	case kind == KindOK:
		if w.slowStart {
			w.limit++
		} else {
			w.limit += 1 / w.limit
		}
		w.limit = min(w.limit, w.max)
	case kind.congestion() && ticket > w.cutAt:
		w.slowStart = false
		w.cutAt = w.seq
		w.limit = max(w.limit*w.beta, w.min)
	}
	close(w.changed)
	w.changed = make(chan struct{})
}

// current returns the limit and the calls in flight.
func (w *window) current() (limit float64, inflight int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.limit, w.inflight
}
