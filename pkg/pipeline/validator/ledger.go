package validator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synthdesk/synthdesk/pkg/admission"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// ledgerLog is a job's ledger subject in the ledger stream, as the
// admission.Log its writers share. Each message holds a group of entries
// (pipeline.PackJSON).
type ledgerLog struct {
	conn    *bus.Conn
	subject string
}

// AppendIfLast implements admission.Log with the bus's conditional append.
func (l ledgerLog) AppendIfLast(ctx context.Context, entries []admission.Entry, last uint64) (uint64, error) {
	seq, err := l.conn.AppendIfLast(ctx, l.subject, pipeline.PackJSON(entries), last)
	if errors.Is(err, bus.ErrWrongLast) {
		return 0, fmt.Errorf("%w: %w", admission.ErrConflict, err)
	}
	return seq, err
}

// Replay implements admission.Log by replaying the subject.
func (l ledgerLog) Replay(ctx context.Context, after uint64, fn func(uint64, []admission.Entry) error) error {
	_, err := l.conn.Replay(ctx, bus.StreamLedger, l.subject, after+1, func(seq uint64, data []byte) error {
		var entries []admission.Entry
		if err := pipeline.UnpackJSON(data, &entries); err != nil {
			return fmt.Errorf("decode ledger entries: %w", err)
		}
		return fn(seq, entries)
	})
	return err
}

// jobLedger is a job's admission ledger as one validator replica knows it:
// the writer deciding records into the job's ledger subject, the ledger's
// totals for the validator's counters, and whether the seal is recorded
// in the job's state.
type jobLedger struct {
	*admission.Writer

	sealMu sync.Mutex
	// sealStored is true once the seal is recorded in the job's state.
	sealStored bool
	// figures are the ledger's totals as of the last append or reload,
	// for the validator's counters.
	figures atomic.Pointer[pipeline.Counters]
}

// snapshotFigures records the ledger's totals; called by the writer with
// its state locked.
func (jl *jobLedger) snapshotFigures(l *admission.Ledger) {
	f := pipeline.Counters{pipeline.CounterAccepted: l.Accepted(), pipeline.CounterRegenerated: int64(l.Regenerations()), pipeline.CounterAbandoned: l.Abandoned()}
	for r, n := range l.Reasons() {
		f[pipeline.CounterRejected(r)] = n
	}
	jl.figures.Store(&f)
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
	cfg := admission.Config{
		Quotas: job.Quotas, RetryBudget: job.Request.Quality.RetryBudget, NearDuplicate: job.Request.Quality.NearDuplicate,
		DedupWindow: job.Request.Quality.DedupWindow,
	}
	jl := &jobLedger{}
	jl.Writer = admission.NewWriter(cfg, ledgerLog{conn: ls.conn, subject: bus.LedgerSubject(job.ID)}, jl.snapshotFigures)
	if err := jl.Load(ctx); err != nil {
		return nil, err
	}
	ls.m[job.ID] = jl
	return jl, nil
}

// storeSeal records the seal in the job's state once; it is retried on
// later decisions until it succeeds.
func (jl *jobLedger) storeSeal(ctx context.Context, jobs *bus.Jobs, jobID string) error {
	if !jl.Sealed() {
		return nil
	}
	jl.sealMu.Lock()
	defer jl.sealMu.Unlock()
	if jl.sealStored {
		return nil
	}
	var (
		sealed bool
		seal   admission.Entry
		regens int
	)
	jl.View(func(l *admission.Ledger) { sealed, seal, regens = l.Sealed(), l.SealEntry(), l.Regenerations() })
	if !sealed {
		return nil
	}
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
