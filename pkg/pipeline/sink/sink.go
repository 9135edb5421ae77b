// Package sink is the sink stage's adapter: it holds accepted records
// until their Parquet part is complete (assembled by pkg/parts), writes the
// part to the job's output (pkg/dataset, pkg/store) and only then acks
// them (sink.go, flush.go); it finishes each job with its manifest, report
// and _SUCCESS (finalize.go, built by manifest.go), and ends jobs that
// stopped or stalled (ending.go).
package sink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/parts"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// The sink writes accepted records as Parquet parts, effectively once.
//
// Part membership is deterministic (see pkg/parts). All records of a part
// travel on one partition subject, and each partition consumer is pinned
// to one sink replica at a time. A part is written under a name derived
// from its number, from records sorted by index, and only then are its
// messages acked. A crash before the ack makes JetStream redeliver them,
// and the part is written again under the same name with the same rows:
// an overwrite, never a second copy.

// sinkGrace is how long a stopping sink lets a part being written finish
// before the runtime hands its messages back.
const sinkGrace = 20 * time.Second

// staleAfter is how long an incomplete part may go without a new message
// before it is handed back. Its records then go to the replica the
// partition is pinned to: this one, or the one that took the pin over
// after this one lost it (a long pause), which could otherwise never
// complete the part.
const staleAfter = time.Minute

// part is an open part whose tokens are the held messages that brought
// its records.
type part = parts.Part[*bus.Held]

// settings is what the sink reads: the shared dependencies and its own.
type settings struct {
	pipeline.Deps
	Config
}

type sink struct {
	cfg    *settings
	jobs   *bus.Jobs
	cache  *pipeline.JobCache
	stores *stores
	cnt    *pipeline.Recorder
	crash  context.CancelFunc
	// quiet is the log of what may repeat every second (a failing store
	// listing) or per message (undecodable records): a few lines a minute.
	quiet zerolog.Logger

	// wctx is the context of part writes: it outlives a stop by the grace
	// period, so a part being written when the sink stops is finished.
	wctx context.Context

	mu sync.Mutex
	// stopping is set when ctx ends: open parts are handed back and new
	// messages are refused.
	stopping bool
	// stopped is closed when the sink starts stopping.
	stopped    chan struct{}
	parts      *parts.Assembler[*bus.Held]
	finalizing map[string]bool
	flushes    chan struct{}
	// seen are the statistics of the parts this replica wrote, so the
	// manifest only reads back the parts written elsewhere.
	seen map[string]*parts.Stats
	// progress is when each running job last moved, anyMoved when any
	// did (see ending.go).
	progress map[string]*jobProgress
	anyMoved time.Time
}

// Run writes accepted records as Parquet parts and finishes jobs until
// ctx ends. It checks the default output at start-up and fails fast on
// wrong credentials or a missing bucket.
func (c Config) Run(ctx context.Context, d pipeline.Deps) error {
	c.SetDefaults()
	cfg := settings{Deps: d, Config: c}
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	st := newStores(cfg.S3)
	st.policy, st.fallback = cfg.Outputs, cfg.Output
	if cfg.Output != "" {
		if _, err := st.open(ctx, cfg.Output); err != nil {
			return err
		}
	}
	ctx, crash := context.WithCancel(ctx)
	defer crash()
	wctx, wcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer wcancel()
	stopWrites := context.AfterFunc(ctx, func() { time.AfterFunc(sinkGrace, wcancel) })
	defer stopWrites()
	s := &sink{cfg: &cfg, jobs: jobs, cache: pipeline.NewJobCache(jobs, cfg.Taxonomy), stores: st, crash: crash, wctx: wctx,
		cnt:        pipeline.NewRecorder(jobs, pipeline.StageSink, cfg.Replica),
		quiet:      cfg.Log.Sample(&zerolog.BurstSampler{Burst: 5, Period: time.Minute}),
		finalizing: map[string]bool{}, seen: map[string]*parts.Stats{}, progress: map[string]*jobProgress{},
		flushes: make(chan struct{}, 2), stopped: make(chan struct{})}
	s.parts = parts.NewAssembler[*bus.Held](s.shape, staleAfter)
	go func() {
		if err := s.cache.Watch(ctx); err != nil {
			cfg.Log.Warn().Err(err).Msg("job watch stopped; job states are read every second instead")
		}
	}()
	go s.tick(ctx)
	go s.watchJobs(ctx)
	go s.cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	return s.consume(ctx)
}

// consume runs one consumer per partition until ctx ends and returns the
// first error.
func (s *sink) consume(ctx context.Context) error {
	errc := make(chan error, s.cfg.Partitions)
	for p := range s.cfg.Partitions {
		go func() {
			errc <- pipeline.Consume(ctx, &s.cfg.Deps, bus.ConsumerSpec{
				Stage: pipeline.StageSink, Stream: bus.StreamAccepted, Durable: fmt.Sprintf("sink-p%d", p),
				Filter: bus.AcceptedSubject(p), PriorityGroup: "sink", PinnedTTL: s.cfg.PinnedTTL, AckWait: s.cfg.AckWait,
				MaxAckPending: s.pendingLimit(), Concurrency: 2, MaxDeliver: -1, Grace: sinkGrace,
			}, s.handle)
		}()
	}
	var first error
	for range s.cfg.Partitions {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// shape is a job's shape as the job cache knows it.
func (s *sink) shape(job string) (parts.Shape, bool) {
	j, ok := s.cache.State(job)
	if !ok {
		return parts.Shape{}, false
	}
	return parts.ShapeOf(j), true
}

// handle holds a message of accepted records (all of one part, in index
// order) in its part; the part is written when complete.
func (s *sink) handle(ctx context.Context, m *bus.Msg, _ *bus.Outbox) error {
	recs := make([]record.Accepted, 0, pipeline.DefaultTaskSize)
	if err := pipeline.Decode(m, &recs); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	info, err := s.cache.Get(ctx, recs[0].Conversation.JobID)
	if err != nil {
		return err
	}
	if s.cache.DropStopped(info) {
		return nil // cancelled, failed or finished: nothing more is written
	}
	if info.Job.BatchRows > s.cfg.BatchRows {
		// The consumer holds at most about two parts of this sink's size:
		// a larger part could never complete. Say so loudly and leave the
		// records to redelivery (a sink with the right setting takes them).
		s.cfg.Log.Error().Str("job", info.Job.ID).Int("job_batch_rows", info.Job.BatchRows).Int("sink_batch_rows", s.cfg.BatchRows).
			Msg("job parts are larger than this sink can hold: run generator and sink with the same SYNTHDESK_BATCH_ROWS")
		return fmt.Errorf("job %s: parts of %d rows exceed this sink's %d", info.Job.ID, info.Job.BatchRows, s.cfg.BatchRows)
	}
	key, err := parts.KeyOf(recs, info.Job.BatchRows)
	if err != nil {
		return bus.Permanent(fmt.Errorf("message %s: %w", m.Subject, err))
	}
	written, err := s.isWritten(ctx, key)
	if err != nil || written {
		return err // written: a redelivery of records whose part is stored
	}
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		_ = m.Hold().Nak(0) // stopping: another replica takes it at once
		return nil
	}
	p := s.parts.Add(key, recs, m.Hold(), time.Now())
	s.mu.Unlock()
	if p != nil {
		go s.flush(s.wctx, p)
	}
	return nil
}

// isWritten reports whether the part is stored, asking the job store
// about parts this replica does not know.
func (s *sink) isWritten(ctx context.Context, key parts.Key) (bool, error) {
	s.mu.Lock()
	written, known := s.parts.Known(key)
	s.mu.Unlock()
	if known {
		return written, nil
	}
	var f dataset.File
	_, err := s.jobs.GetJSON(ctx, partKey(key), &f)
	if errors.Is(err, bus.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	s.parts.MarkWritten(key)
	s.mu.Unlock()
	return true, nil
}

// partKey is where the job store records a written part.
func partKey(key parts.Key) string { return bus.Key(key.Job, "part", fmt.Sprint(key.Seq)) }

// stop hands back the messages of every part not being written, at once,
// so another replica (or this one restarted) takes them without waiting
// for their AckWait; later messages are refused. Parts being written
// finish within the grace period, or the runtime hands them back.
func (s *sink) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopping {
		close(s.stopped)
	}
	s.stopping = true
	n := 0
	for _, p := range s.parts.Drop(func(*part) bool { return true }) {
		n += len(p.Tokens())
		nakNow(p)
	}
	if n > 0 {
		s.cfg.Log.Info().Int("messages", n).Msg("sink stopping: open parts handed back for redelivery")
	}
}

// pendingLimit is the MaxAckPending of a partition consumer: two parts
// and some, even if every message carried a single record.
func (s *sink) pendingLimit() int { return 2*s.cfg.BatchRows + 1024 }
