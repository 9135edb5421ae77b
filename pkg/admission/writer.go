package admission

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Log is the durable home of a job's ledger: an append-only sequence of
// messages, each a group of entries, shared by every Writer of the job
// (one per replica). Implementations are safe for concurrent use.
type Log interface {
	// AppendIfLast stores entries as one message only if the last message
	// stored has sequence last (0: none is), and returns the new message's
	// sequence. When another writer appended first, its error matches
	// ErrConflict (errors.Is).
	AppendIfLast(ctx context.Context, entries []Entry, last uint64) (uint64, error)
	// Replay gives fn, in order, every message stored after sequence
	// after, up to at least the last one stored when Replay started. fn's
	// error stops the replay and is returned wrapped.
	Replay(ctx context.Context, after uint64, fn func(seq uint64, entries []Entry) error) error
}

// ErrConflict is matched by the error of a Log's AppendIfLast whose log no
// longer ends at the expected sequence: another writer appended first.
var ErrConflict = errors.New("ledger log: another writer appended first")

// ErrContention is matched by the decisions' error when every attempt to
// append them met a conflict.
var ErrContention = errors.New("ledger log: too much contention")

// maxGroup bounds the decisions appended in one message (each carries a
// compact fingerprint; a message stays well under a bus's usual 1 MiB
// payload limit).
const maxGroup = 512

// maxAttempts bounds the appends of one group that meet a conflict.
const maxAttempts = 20

// Writer decides records for one job's ledger on behalf of one replica and
// stores the decisions in the job's Log, which other writers may append to
// as well.
//
// Decisions are group-committed: records submitted while an append is in
// flight are queued, and the next commit decides the whole queue (up to
// maxGroup) in order on the in-memory state and appends the decisions as
// one message. The append expects the sequence of the last message the
// state includes, so two writers never both store decisions computed from
// stale state: on a conflict the state is rebuilt from the log and the
// group decided again. Safe for concurrent use.
type Writer struct {
	log     Log
	cfg     Config
	observe func(*Ledger)

	qmu      sync.Mutex
	queue    []*pending
	flushing bool

	mu   sync.Mutex // guards l and last
	l    *Ledger
	last uint64
	// sealed mirrors l.Sealed() for readers that do not take mu.
	sealed atomic.Bool
}

// pending is one record waiting for its decision.
type pending struct {
	c       *record.Conversation
	reasons []string
	fp      quality.Fingerprint
	// done receives the decision once it is stored; it runs on the
	// committing goroutine and must not block.
	done func(Entry, error)
}

// NewWriter returns a writer of the job's ledger in log, with an empty
// state: call Load to read what the log holds. observe, when not nil, is
// called with the state each time it was rebuilt from the log (Load, or
// after a failed append) or extended by an append; it runs with the
// writer's lock held, must not block, and must not keep or change l.
func NewWriter(cfg Config, log Log, observe func(l *Ledger)) *Writer {
	if observe == nil {
		observe = func(*Ledger) {}
	}
	return &Writer{log: log, cfg: cfg, observe: observe, l: New(cfg)}
}

// Load rebuilds the state from the whole log. On error the state holds
// what was read; the next append then meets a conflict and reloads.
func (w *Writer) Load(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reload(ctx)
}

// Sealed reports whether the state includes the seal, without waiting for
// a commit in flight.
func (w *Writer) Sealed() bool { return w.sealed.Load() }

// View calls fn with the state, which no commit changes meanwhile. fn must
// not change l nor keep it after returning.
func (w *Writer) View(fn func(l *Ledger)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fn(w.l)
}

// Submit queues the records for decisions, together so that their accepted
// indexes are contiguous, and returns at once; reasons[i] are the reasons
// to reject convs[i] (none: it passed the checks). done is called once,
// from another goroutine, with the decision of every record in order once
// all are stored: the one already in the ledger for a redelivered record,
// or a new one appended (with the seal when it resolves the last slot); or
// with the first error. done must not block: it runs on the committing
// goroutine, which answers the submits in the order they were made.
// convs must not change until done is called. Callers need not wait for
// done, so a group holds as many records as are in flight.
func (w *Writer) Submit(ctx context.Context, convs []record.Conversation, reasons [][]string, done func([]Entry, error)) {
	if len(convs) == 0 {
		done(nil, nil)
		return
	}
	g := newGroup(len(convs), done)
	ps := make([]*pending, len(convs))
	for i := range convs {
		p := &pending{c: &convs[i], reasons: reasons[i], done: func(e Entry, err error) { g.answer(i, e, err) }}
		if len(reasons[i]) == 0 {
			p.fp = quality.NewFingerprint(convs[i].CustomerText())
		}
		ps[i] = p
	}
	w.qmu.Lock()
	w.queue = append(w.queue, ps...)
	start := !w.flushing
	w.flushing = true
	w.qmu.Unlock()
	if start {
		go w.flushQueue(context.WithoutCancel(ctx))
	}
}

// Decide is Submit that waits for the decisions.
func (w *Writer) Decide(ctx context.Context, convs []record.Conversation, reasons [][]string) ([]Entry, error) {
	type decision struct {
		es  []Entry
		err error
	}
	ch := make(chan decision, 1)
	w.Submit(ctx, convs, reasons, func(es []Entry, err error) { ch <- decision{es, err} })
	d := <-ch
	return d.es, d.err
}

// group gathers the decisions of one Submit and hands them over once the
// last one is in.
type group struct {
	results []Entry
	left    atomic.Int64
	first   atomic.Pointer[error]
	done    func([]Entry, error)
}

func newGroup(n int, done func([]Entry, error)) *group {
	g := &group{results: make([]Entry, n), done: done}
	g.left.Store(int64(n))
	return g
}

// answer records the decision of record i.
func (g *group) answer(i int, e Entry, err error) {
	if err != nil {
		g.first.CompareAndSwap(nil, &err)
	}
	g.results[i] = e
	if g.left.Add(-1) != 0 {
		return
	}
	if errp := g.first.Load(); errp != nil {
		g.done(nil, *errp)
		return
	}
	g.done(g.results, nil)
}

// flushQueue commits queued decisions until the queue is empty.
func (w *Writer) flushQueue(ctx context.Context) {
	for {
		batch := w.take()
		if batch == nil {
			return
		}
		w.commit(ctx, batch)
	}
}

// take removes the next group from the queue; nil when it is empty, in
// which case the next Submit starts a new flush.
func (w *Writer) take() []*pending {
	w.qmu.Lock()
	defer w.qmu.Unlock()
	n := min(len(w.queue), maxGroup)
	if n == 0 {
		w.flushing = false
		return nil
	}
	batch := w.queue[:n:n]
	w.queue = w.queue[n:]
	return batch
}

// commit decides a batch and appends it; every pending gets its answer.
func (w *Writer) commit(ctx context.Context, batch []*pending) {
	w.mu.Lock()
	defer w.mu.Unlock()
	results, err := w.store(ctx, batch)
	for i, p := range batch {
		if err != nil {
			p.done(Entry{}, err)
		} else {
			p.done(results[i], nil)
		}
	}
}

// store decides the batch and appends the new entries, deciding again on
// the state rebuilt from the log after each conflict; mu held.
func (w *Writer) store(ctx context.Context, batch []*pending) ([]Entry, error) {
	for range maxAttempts {
		results, entries := w.decide(batch)
		if len(entries) == 0 {
			return results, nil
		}
		seq, err := w.log.AppendIfLast(ctx, entries, w.last)
		if err == nil {
			w.last = seq
			w.synced()
			return results, nil
		}
		// The decisions were applied in memory but not stored: rebuild the
		// state from what the log really holds.
		if rerr := w.reload(ctx); rerr != nil {
			return nil, rerr
		}
		if !errors.Is(err, ErrConflict) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: %d appends in a row met a conflict", ErrContention, maxAttempts)
}

// decide applies the decisions of a batch to the state and returns them,
// with the entries to append: the new decisions and the seal if it is due;
// mu held.
func (w *Writer) decide(batch []*pending) (results, entries []Entry) {
	results = make([]Entry, len(batch))
	for i, p := range batch {
		if prev, ok := w.l.Previous(p.c); ok {
			results[i] = prev
			continue
		}
		e := w.l.Decide(p.c, p.reasons, p.fp)
		w.l.Apply(e)
		entries = append(entries, e)
		results[i] = e
	}
	if seal, ok := w.l.Seal(); ok {
		w.l.Apply(seal)
		entries = append(entries, seal)
	}
	return results, entries
}

// reload rebuilds the state from the whole log; mu held.
func (w *Writer) reload(ctx context.Context) error {
	w.l, w.last = New(w.cfg), 0
	err := w.log.Replay(ctx, 0, func(seq uint64, entries []Entry) error {
		for _, e := range entries {
			w.l.Apply(e)
		}
		w.last = seq
		return nil
	})
	w.synced()
	return err
}

// synced publishes the state to lock-free readers and the observer; mu
// held.
func (w *Writer) synced() {
	w.sealed.Store(w.l.Sealed())
	w.observe(w.l)
}
