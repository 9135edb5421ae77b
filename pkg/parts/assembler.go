package parts

import (
	"slices"
	"time"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Part is an open part: the records received so far, by index, and the
// tokens of the messages that brought them (whatever its owner settles
// once the part is written or given back).
type Part[T any] struct {
	key    Key
	recs   map[int64]record.Conversation
	tokens []T
	// last is when the part last received a message.
	last    time.Time
	writing bool
}

// Key is the part's name.
func (p *Part[T]) Key() Key { return p.key }

// Len is the number of distinct records received.
func (p *Part[T]) Len() int { return len(p.recs) }

// Tokens are the tokens of every message added, in arrival order.
func (p *Part[T]) Tokens() []T { return p.tokens }

// Records are the part's records sorted by index.
func (p *Part[T]) Records() []record.Conversation {
	idx := make([]int64, 0, len(p.recs))
	for i := range p.recs {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]record.Conversation, len(idx))
	for k, i := range idx {
		out[k] = p.recs[i]
	}
	return out
}

// Assembler collects records into open parts until each is complete. A
// part handed out complete is "writing": nothing gives it back until its
// owner calls Written, Retry or Release. Not safe for concurrent use: its
// owner guards it.
type Assembler[T any] struct {
	shape      func(job string) (Shape, bool)
	staleAfter time.Duration
	open       map[Key]*Part[T]
	written    map[Key]bool
}

// NewAssembler returns an empty assembler. shape tells the shape of a job,
// false while it is unknown (its parts are then never complete); an open
// part is stale after staleAfter without a message.
func NewAssembler[T any](shape func(job string) (Shape, bool), staleAfter time.Duration) *Assembler[T] {
	return &Assembler[T]{shape: shape, staleAfter: staleAfter, open: map[Key]*Part[T]{}, written: map[Key]bool{}}
}

// Add files the records of one message, all of part key, with the
// message's token. A record received again replaces the earlier copy. It
// returns the part when this message completed it, marked writing; nil
// otherwise.
func (a *Assembler[T]) Add(key Key, recs []record.Accepted, tok T, now time.Time) *Part[T] {
	p := a.open[key]
	if p == nil {
		p = &Part[T]{key: key, recs: map[int64]record.Conversation{}}
		a.open[key] = p
	}
	p.last = now
	for _, r := range recs {
		p.recs[r.Index] = r.Conversation
	}
	p.tokens = append(p.tokens, tok)
	if a.take(p) {
		return p
	}
	return nil
}

// take reports whether p holds every record of its part and marks it
// writing.
func (a *Assembler[T]) take(p *Part[T]) bool {
	if p.writing {
		return false
	}
	shape, ok := a.shape(p.key.Job)
	if !ok {
		return false
	}
	rows := shape.Rows(p.key.Seq)
	if rows <= 0 || int64(len(p.recs)) < rows {
		return false
	}
	p.writing = true
	return true
}

// Ready returns the open parts that are complete now (a part shrinks when
// its job is sealed short) and marks them writing.
func (a *Assembler[T]) Ready() []*Part[T] {
	var out []*Part[T]
	for _, p := range a.open {
		if a.take(p) {
			out = append(out, p)
		}
	}
	return out
}

// Stale forgets and returns the parts not being written that received no
// message for longer than the stale age.
func (a *Assembler[T]) Stale(now time.Time) []*Part[T] {
	return a.Drop(func(p *Part[T]) bool { return now.Sub(p.last) > a.staleAfter })
}

// Drop forgets and returns the parts not being written that match.
func (a *Assembler[T]) Drop(match func(*Part[T]) bool) []*Part[T] {
	var out []*Part[T]
	for key, p := range a.open {
		if !p.writing && match(p) {
			delete(a.open, key)
			out = append(out, p)
		}
	}
	return out
}

// Release forgets p, given back unwritten; false when p was already
// forgotten (its tokens are then not its caller's to settle).
func (a *Assembler[T]) Release(p *Part[T]) bool {
	if a.open[p.key] != p {
		return false
	}
	delete(a.open, p.key)
	return true
}

// Retry makes a part whose write failed before storing anything open
// again: Ready hands it out once more.
func (a *Assembler[T]) Retry(p *Part[T]) { p.writing = false }

// Written forgets p, now stored, and remembers its key as written.
func (a *Assembler[T]) Written(p *Part[T]) {
	a.Release(p)
	a.written[p.key] = true
}

// MarkWritten remembers a key as written (stored by an earlier process).
func (a *Assembler[T]) MarkWritten(key Key) { a.written[key] = true }

// Known reports whether the key is known written, and whether the
// assembler knows it at all (written, or open).
func (a *Assembler[T]) Known(key Key) (written, known bool) {
	if a.written[key] {
		return true, true
	}
	_, open := a.open[key]
	return false, open
}

// Writing reports whether a part of job is being written.
func (a *Assembler[T]) Writing(job string) bool {
	for key, p := range a.open {
		if key.Job == job && p.writing {
			return true
		}
	}
	return false
}
