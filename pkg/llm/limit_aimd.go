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
//
// With a tolerance > 0 the window cuts only when more than that share of
// one round's calls (about limit calls) were congestion signals, for
// servers that answer some 429s whatever the load.
type window struct {
	min, max, beta, tol float64

	mu        sync.Mutex
	limit     float64
	inflight  int
	seq       uint64 // tickets handed out
	cutAt     uint64 // seq at the last decrease
	slowStart bool
	changed   chan struct{}

	roundEnd            uint64 // a round is over when this ticket returns
	roundDone, roundBad int
}

func newWindow(minN, maxN, initial int, beta, tolerance float64) *window {
	return &window{
		min: float64(minN), max: float64(maxN), beta: beta, tol: tolerance,
		limit: float64(initial), slowStart: true, changed: make(chan struct{}), roundEnd: minRound,
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
	case kind.congestion() && w.tol == 0 && ticket > w.cutAt:
		w.cut()
	}
	if w.tol > 0 {
		w.tolerant(ticket, kind)
	}
	close(w.changed)
	w.changed = make(chan struct{})
}

func (w *window) cut() {
	w.slowStart = false
	w.cutAt = w.seq
	w.limit = max(w.limit*w.beta, w.min)
}

// minRound is the fewest outcomes a tolerant round judges, so a few
// unlucky draws in a small window do not read as congestion.
const minRound = 20

// tolerant counts one outcome in the current round and, at its end, cuts
// if the round's share of congestion signals exceeded the tolerance.
func (w *window) tolerant(ticket uint64, kind ErrorKind) {
	if kind != KindOK && !kind.congestion() {
		return
	}
	w.roundDone++
	if kind.congestion() {
		w.roundBad++
	}
	if ticket < w.roundEnd {
		return
	}
	if float64(w.roundBad) > w.tol*float64(w.roundDone) {
		w.cut()
	}
	w.roundEnd = w.seq + uint64(max(w.limit, minRound))
	w.roundDone, w.roundBad = 0, 0
}

// current returns the limit and the calls in flight.
func (w *window) current() (limit float64, inflight int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.limit, w.inflight
}
