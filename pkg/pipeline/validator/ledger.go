package validator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/admission"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// maxGroup bounds the decisions appended in one ledger message (each
// carries a compact fingerprint; the message stays well under NATS's
// default 1 MiB payload limit).
const maxGroup = 512

// jobLedger is a job's admission ledger as one validator replica knows it:
// the decision state rebuilt from the job's ledger subject, and the stream
// sequence of the last message applied.
//
// Decisions are group-committed: concurrent handlers queue their records,
// one of them decides the whole queue in order on the in-memory state and
// appends the decisions as one message. The append carries the last
// sequence as the expected last one of the subject, so two replicas can
// never both append decisions computed from stale state. When an append
// fails the in-memory state is rebuilt from the stream and the queue is
// decided again.
type jobLedger struct {
	conn    *bus.Conn
	subject string
	cfg     admission.Config

	qmu      sync.Mutex
	queue    []*pendingDecision
	flushing bool

	mu   sync.Mutex // guards l, last and sealStored
	l    *admission.Ledger
	last uint64
	// sealStored is true once the seal is recorded in the job's state.
	sealStored bool
	// sealed mirrors l.Sealed() for readers that do not take mu.
	sealed atomic.Bool
	// figures are the ledger's totals as of the last append or reload,
	// for the validator's counters.
	figures atomic.Pointer[pipeline.Counters]
}

// snapshotFigures records the ledger's totals; mu held.
func (jl *jobLedger) snapshotFigures() {
	f := pipeline.Counters{pipeline.CounterAccepted: jl.l.Accepted(), pipeline.CounterRegenerated: int64(jl.l.Regenerations()), pipeline.CounterAbandoned: jl.l.Abandoned()}
	for r, n := range jl.l.Reasons() {
		f[pipeline.CounterRejected(r)] = n
	}
	jl.figures.Store(&f)
}

type pendingDecision struct {
	c       *record.Conversation
	reasons []string
	fp      quality.Fingerprint
	// done receives the decision once it is stored; it runs on the
	// committing goroutine and must not block.
	done func(admission.Entry, error)
}

// ledgers holds the ledgers of the jobs a validator replica has seen.
type ledgers struct {
	conn *bus.Conn
	mu   sync.Mutex
	m    map[string]*jobLedger
}

func newLedgers(conn *bus.Conn) *ledgers {
	return &ledgers{conn: conn, m: map[string]*jobLedger{}}
}

// get returns the job's ledger, replaying it from the bus on first use.
func (ls *ledgers) get(ctx context.Context, job *record.Job) (*jobLedger, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if jl, ok := ls.m[job.ID]; ok {
		return jl, nil
	}
	jl := &jobLedger{conn: ls.conn, subject: bus.LedgerSubject(job.ID), cfg: admission.Config{
		Quotas: job.Quotas, RetryBudget: job.Request.Quality.RetryBudget, NearDuplicate: job.Request.Quality.NearDuplicate,
		DedupWindow: job.Request.Quality.DedupWindow,
	}}
	jl.mu.Lock()
	defer jl.mu.Unlock()
	if err := jl.reload(ctx); err != nil {
		return nil, err
	}
	ls.m[job.ID] = jl
	return jl, nil
}

// submit queues the records of a batch for decisions, together so that
// their accepted indexes are contiguous, and returns at once. done is
// called once with the decision of every record, in order, once all are
// stored: the one already in the ledger for a redelivered record, or a new
// one appended (with the seal when it resolves the last slot); or with the
// first error. Handlers do not wait for the ledger, so a group holds as many
// records as are in flight.
func (jl *jobLedger) submit(ctx context.Context, convs []record.Conversation, reasons [][]string, done func([]admission.Entry, error)) {
	if len(convs) == 0 {
		done(nil, nil)
		return
	}
	results := make([]admission.Entry, len(convs))
	var (
		left  atomic.Int64
		first atomic.Pointer[error]
	)
	left.Store(int64(len(convs)))
	ps := make([]*pendingDecision, len(convs))
	for i := range convs {
		p := &pendingDecision{c: &convs[i], reasons: reasons[i], done: func(e admission.Entry, err error) {
			if err != nil {
				first.CompareAndSwap(nil, &err)
			}
			results[i] = e
			if left.Add(-1) == 0 {
				if errp := first.Load(); errp != nil {
					done(nil, *errp)
					return
				}
				done(results, nil)
			}
		}}
		if len(reasons[i]) == 0 {
			p.fp = quality.NewFingerprint(convs[i].CustomerText())
		}
		ps[i] = p
	}
	jl.qmu.Lock()
	jl.queue = append(jl.queue, ps...)
	start := !jl.flushing
	jl.flushing = true
	jl.qmu.Unlock()
	if start {
		go jl.flushQueue(context.WithoutCancel(ctx))
	}
}

// decide is submit that waits for the decisions.
func (jl *jobLedger) decide(ctx context.Context, convs []record.Conversation, reasons [][]string) ([]admission.Entry, error) {
	type decision struct {
		es  []admission.Entry
		err error
	}
	ch := make(chan decision, 1)
	jl.submit(ctx, convs, reasons, func(es []admission.Entry, err error) { ch <- decision{es, err} })
	d := <-ch
	return d.es, d.err
}

// flushQueue commits queued decisions until the queue is empty.
func (jl *jobLedger) flushQueue(ctx context.Context) {
	for {
		jl.qmu.Lock()
		n := min(len(jl.queue), maxGroup)
		batch := jl.queue[:n:n]
		jl.queue = jl.queue[n:]
		if n == 0 {
			jl.flushing = false
			jl.qmu.Unlock()
			return
		}
		jl.qmu.Unlock()
		jl.commit(ctx, batch)
	}
}

// commit decides a batch and appends it; every pending gets its answer.
func (jl *jobLedger) commit(ctx context.Context, batch []*pendingDecision) {
	jl.mu.Lock()
	defer jl.mu.Unlock()
	answer := func(results []admission.Entry, err error) {
		for i, p := range batch {
			if err != nil {
				p.done(admission.Entry{}, err)
			} else {
				p.done(results[i], nil)
			}
		}
	}
	for range 20 {
		results := make([]admission.Entry, len(batch))
		var entries []admission.Entry
		for i, p := range batch {
			if prev, ok := jl.l.Previous(p.c); ok {
				results[i] = prev
				continue
			}
			e := jl.l.Decide(p.c, p.reasons, p.fp)
			jl.l.Apply(e)
			entries = append(entries, e)
			results[i] = e
		}
		if seal, ok := jl.l.Seal(); ok {
			jl.l.Apply(seal)
			entries = append(entries, seal)
		}
		if len(entries) == 0 {
			answer(results, nil)
			return
		}
		ack, err := jl.conn.JS.Publish(ctx, jl.subject, pipeline.PackJSON(entries), jetstream.WithExpectLastSequencePerSubject(jl.last))
		if err == nil {
			jl.last = ack.Sequence
			jl.sealed.Store(jl.l.Sealed())
			jl.snapshotFigures()
			answer(results, nil)
			return
		}
		// The decisions were applied in memory but not stored: rebuild the
		// state from what the stream really holds.
		if rerr := jl.reload(ctx); rerr != nil {
			answer(nil, rerr)
			return
		}
		if !isWrongLastSequence(err) {
			answer(nil, fmt.Errorf("append to %s: %w", jl.subject, err))
			return
		}
	}
	answer(nil, fmt.Errorf("ledger %s: too much contention", jl.subject))
}

func isWrongLastSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// reload rebuilds the state from the whole ledger subject.
func (jl *jobLedger) reload(ctx context.Context) error {
	jl.l, jl.last = admission.New(jl.cfg), 0
	err := jl.sync(ctx)
	jl.sealed.Store(jl.l.Sealed())
	jl.snapshotFigures()
	return err
}

// sync applies the messages appended after jl.last, by any replica.
func (jl *jobLedger) sync(ctx context.Context) error {
	stream, err := jl.conn.JS.Stream(ctx, bus.StreamLedger)
	if err != nil {
		return fmt.Errorf("ledger stream: %w", err)
	}
	lastMsg, err := stream.GetLastMsgForSubject(ctx, jl.subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger %s: %w", jl.subject, err)
	}
	if lastMsg.Sequence <= jl.last {
		return nil
	}
	cons, err := jl.conn.JS.OrderedConsumer(ctx, bus.StreamLedger, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{jl.subject}, DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: jl.last + 1,
	})
	if err != nil {
		return fmt.Errorf("ledger %s: %w", jl.subject, err)
	}
	for jl.last < lastMsg.Sequence {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return fmt.Errorf("ledger %s: %w", jl.subject, err)
		}
		n := 0
		for msg := range batch.Messages() {
			n++
			meta, err := msg.Metadata()
			if err != nil {
				return err
			}
			var entries []admission.Entry
			if err := pipeline.UnpackJSON(msg.Data(), &entries); err != nil {
				return fmt.Errorf("ledger %s seq %d: %w", jl.subject, meta.Sequence.Stream, err)
			}
			for _, e := range entries {
				jl.l.Apply(e)
			}
			jl.last = meta.Sequence.Stream
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return fmt.Errorf("ledger %s: %w", jl.subject, err)
		}
		if n == 0 {
			return fmt.Errorf("ledger %s: stopped at %d before %d", jl.subject, jl.last, lastMsg.Sequence)
		}
	}
	return nil
}

// storeSeal records the seal in the job's state once; it is retried on
// later decisions until it succeeds.
func (jl *jobLedger) storeSeal(ctx context.Context, jobs *bus.Jobs, jobID string) error {
	if !jl.sealed.Load() {
		return nil
	}
	jl.mu.Lock()
	defer jl.mu.Unlock()
	if !jl.l.Sealed() || jl.sealStored {
		return nil
	}
	seal := jl.l.SealEntry()
	regens := jl.l.Regenerations()
	_, err := jobs.Update(ctx, jobID, func(j *record.Job) error {
		if !j.Sealed {
			j.SealedAt = time.Now().UTC()
		}
		j.Sealed, j.Accepted, j.Shortfall = true, seal.Accepted, seal.Shortfall
		j.Rejections, j.Regenerations = seal.Rejections, regens
		return nil
	})
	if err == nil {
		jl.sealStored = true
	}
	return err
}
