package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/admission"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// jobLedger is a job's admission ledger as one validator replica knows it:
// the decision state rebuilt from the job's ledger subject, and the stream
// sequence of the last entry applied. Appends carry that sequence as the
// expected last one of the subject, so two replicas can never both append
// a decision computed from stale state: the loser catches up and decides
// again.
type jobLedger struct {
	mu      sync.Mutex
	conn    *bus.Conn
	subject string
	l       *admission.Ledger
	last    uint64
	// sealStored is true once the seal is recorded in the job's state.
	sealStored bool
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
	jl, ok := ls.m[job.ID]
	if !ok {
		jl = &jobLedger{conn: ls.conn, subject: bus.LedgerSubject(job.ID), l: admission.New(admission.Config{
			Quotas: job.Quotas, RetryBudget: job.Request.Quality.RetryBudget, NearDuplicate: job.Request.Quality.NearDuplicate,
		})}
		ls.m[job.ID] = jl
	}
	ls.mu.Unlock()
	if !ok {
		jl.mu.Lock()
		defer jl.mu.Unlock()
		if err := jl.sync(ctx); err != nil {
			ls.mu.Lock()
			delete(ls.m, job.ID)
			ls.mu.Unlock()
			return nil, err
		}
	}
	return jl, nil
}

// decide returns the decision for c: the one already in the ledger for a
// redelivered record, or a new one appended to the ledger. It then seals
// the ledger when every slot is resolved. Callers hold no lock.
func (jl *jobLedger) decide(ctx context.Context, c *record.Conversation, reasons []string) (admission.Entry, error) {
	jl.mu.Lock()
	defer jl.mu.Unlock()
	e, err := jl.decideLocked(ctx, c, reasons)
	if err != nil {
		return e, err
	}
	if seal, ok := jl.l.Seal(); ok {
		if err := jl.appendApply(ctx, seal); err != nil {
			return e, err
		}
	}
	return e, nil
}

func (jl *jobLedger) decideLocked(ctx context.Context, c *record.Conversation, reasons []string) (admission.Entry, error) {
	for range 50 {
		if prev, ok := jl.l.Previous(c); ok {
			return prev, nil
		}
		e := jl.l.Decide(c, reasons)
		err := jl.appendApply(ctx, e)
		if errors.Is(err, errStaleLedger) {
			continue
		}
		return e, err
	}
	return admission.Entry{}, fmt.Errorf("ledger %s: too much contention", jl.subject)
}

var errStaleLedger = errors.New("ledger changed since the decision")

// appendApply appends e if the ledger did not move since the last applied
// entry, then applies it. On a conflict it catches up and returns
// errStaleLedger; the seal is then possibly applied by the catch-up.
func (jl *jobLedger) appendApply(ctx context.Context, e admission.Entry) error {
	ack, err := jl.conn.JS.Publish(ctx, jl.subject, mustJSON(e), jetstream.WithExpectLastSequencePerSubject(jl.last))
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
		if serr := jl.sync(ctx); serr != nil {
			return serr
		}
		return errStaleLedger
	}
	if err != nil {
		return fmt.Errorf("append to %s: %w", jl.subject, err)
	}
	jl.l.Apply(e)
	jl.last = ack.Sequence
	return nil
}

// sync applies the entries appended after jl.last, by any replica.
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
			var e admission.Entry
			if err := json.Unmarshal(msg.Data(), &e); err != nil {
				return fmt.Errorf("ledger %s seq %d: %w", jl.subject, meta.Sequence.Stream, err)
			}
			jl.l.Apply(e)
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
	jl.mu.Lock()
	defer jl.mu.Unlock()
	if !jl.l.Sealed() || jl.sealStored {
		return nil
	}
	seal := jl.l.SealEntry()
	_, err := jobs.Update(ctx, jobID, func(j *record.Job) error {
		j.Sealed, j.Accepted, j.Shortfall = true, seal.Accepted, seal.Shortfall
		j.Rejections, j.Regenerations = seal.Rejections, jl.l.Regenerations()
		return nil
	})
	if err == nil {
		jl.sealStored = true
	}
	return err
}
