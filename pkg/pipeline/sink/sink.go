// Package sink is the sink stage's adapter: it holds accepted records
// until their Parquet part is complete, writes the part to the job's output
// (pkg/dataset, pkg/store) and only then acks them (sink.go); it finishes
// each job with its manifest, report and _SUCCESS (finalize.go), and ends
// jobs that stopped or stalled (ending.go).
package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// The sink writes accepted records as Parquet parts, effectively once.
//
// Part membership is deterministic: the validator gives every accepted
// record a dense index, and part n holds exactly the indexes
// [n*BatchRows, (n+1)*BatchRows) (the last part ends at the accepted
// total). All records of a part travel on one partition subject, and each
// partition consumer is pinned to one sink replica at a time. A part is
// written under a name derived from its number, from records sorted by
// index, and only then are its messages acked. A crash before the ack makes
// JetStream redeliver them, and the part is written again under the same
// name with the same rows: an overwrite, never a second copy.

// rowGroupBytes bounds the encoder's buffered rows: the xitongsys writer
// holds a row group in memory several times over while it encodes it.
const rowGroupBytes = 8 << 20

type batchKey struct {
	job string
	seq int64
}

type openBatch struct {
	recs map[int64]record.Conversation
	held []*bus.Held
	// lastMsg is when the batch last received a message.
	lastMsg  time.Time
	flushing bool
}

// sinkGrace is how long a stopping sink lets a part being written finish
// before the runtime hands its messages back.
const sinkGrace = 20 * time.Second

// staleAfter is how long an incomplete batch may go without a new message
// before it is handed back. Its records then go to the replica the
// partition is pinned to: this one, or the one that took the pin over
// after this one lost it (a long pause), which could otherwise never
// complete the part.
const staleAfter = time.Minute

// Config is the sink's settings.
type Config struct {
	// Layout must be the generators' (records per part, partitions).
	pipeline.Layout
	// Output is the default output, for requests that name none.
	Output string
	// S3 is the object store's settings, for s3:// outputs.
	S3 store.S3Config
	// Outputs confines the outputs requests may name; the zero policy
	// allows any.
	Outputs store.Policy
	// Compression is the Parquet compression: snappy or zstd.
	Compression string
	// AckWait is how long the messages a sink replica holds stay hidden
	// from the others after it dies; a live replica keeps them alive
	// however long their part takes to fill.
	AckWait time.Duration
	// PinnedTTL is how long a sink replica keeps its partitions after it
	// stops pulling (died) before a standby replica takes them. A replica
	// that stops cleanly gives them up at once.
	PinnedTTL time.Duration
	// NoProgress is how long a job may go without any stage counter moving
	// before the sink ends it as failed, for requests that do not set
	// no_progress_seconds.
	NoProgress time.Duration
	// Fault, when set, is called at named points ("uploaded", "acked"); a
	// non-nil error makes the sink stop at once without acking, as if the
	// process had been killed. Used by crash tests.
	Fault func(point string) error
}

// Name is the stage's name.
func (Config) Name() string { return pipeline.StageSink }

// SetDefaults fills zero fields.
func (c *Config) SetDefaults() {
	c.Layout.SetDefaults()
	if c.Compression == "" {
		c.Compression = pipeline.DefaultCompression
	}
	if c.AckWait == 0 {
		c.AckWait = pipeline.DefaultSinkAckWait
	}
	if c.PinnedTTL == 0 {
		c.PinnedTTL = pipeline.DefaultSinkPinnedTTL
	}
	if c.NoProgress == 0 {
		c.NoProgress = pipeline.DefaultNoProgress
	}
}

// Validate reports every problem at once, defaults applied.
func (c Config) Validate() error {
	c.SetDefaults()
	errs := []error{c.Layout.Validate(), c.Outputs.Validate()}
	if c.Compression != dataset.CompressionSnappy && c.Compression != dataset.CompressionZstd {
		errs = append(errs, fmt.Errorf("compression %q is not one of snappy, zstd", c.Compression))
	}
	return errors.Join(errs...)
}

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

	// wctx is the context of part writes: it outlives a stop by the grace
	// period, so a part being written when the sink stops is finished.
	wctx context.Context

	mu sync.Mutex
	// stopping is set when ctx ends: held batches are handed back and new
	// messages are refused.
	stopping bool
	// stopped is closed when the sink starts stopping.
	stopped    chan struct{}
	batches    map[batchKey]*openBatch
	written    map[batchKey]bool
	finalizing map[string]bool
	flushes    chan struct{}
	// seen are the statistics of the parts this replica wrote, so the
	// manifest only reads back the parts written elsewhere.
	seen map[string]*partStats
	// progress is when each running job last moved, anyMoved when any
	// did (see ending.go).
	progress map[string]*jobProgress
	anyMoved time.Time
}

// Run writes accepted records as Parquet parts and finishes jobs until
// ctx ends. It checks the default output at start-up and fails fast on
// wrong credentials or a missing bucket.
func (c Config) Run(ctx context.Context, d pipeline.Deps) error {
	d.SetDefaults()
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return err
	}
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
		cnt:     pipeline.NewRecorder(jobs, pipeline.StageSink, cfg.Replica),
		batches: map[batchKey]*openBatch{}, written: map[batchKey]bool{}, finalizing: map[string]bool{}, seen: map[string]*partStats{},
		progress: map[string]*jobProgress{},
		flushes:  make(chan struct{}, 2), stopped: make(chan struct{})}
	go func() {
		if err := s.cache.Watch(ctx); err != nil {
			cfg.Log.Warn().Err(err).Msg("job watch stopped; job states are read every second instead")
		}
	}()
	go s.tick(ctx)
	go s.watchJobs(ctx)
	go s.cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	errc := make(chan error, cfg.Partitions)
	for p := range cfg.Partitions {
		go func() {
			errc <- pipeline.Consume(ctx, &cfg.Deps, bus.ConsumerSpec{
				Stage: pipeline.StageSink, Stream: bus.StreamAccepted, Durable: fmt.Sprintf("sink-p%d", p),
				Filter: bus.AcceptedSubject(p), PriorityGroup: "sink", PinnedTTL: cfg.PinnedTTL, AckWait: cfg.AckWait,
				MaxAckPending: s.pendingLimit(), Concurrency: 2, MaxDeliver: -1, Grace: sinkGrace,
			}, s.handle)
		}()
	}
	var first error
	for range cfg.Partitions {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// handle holds a message of accepted records (all of one part, in index
// order) in its part's batch; the batch is flushed when complete.
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
	key := batchKey{job: info.Job.ID, seq: recs[0].Index / int64(info.Job.BatchRows)}
	for _, a := range recs[1:] {
		if a.Conversation.JobID != key.job || a.Index/int64(info.Job.BatchRows) != key.seq {
			return bus.Permanent(fmt.Errorf("message mixes parts: index %d of job %s with part %d of job %s", a.Index, a.Conversation.JobID, key.seq, key.job))
		}
	}
	written, err := s.isWritten(ctx, key)
	if err != nil {
		return err
	}
	if written {
		return nil // a redelivery of records whose part is already stored
	}
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		_ = m.Hold().Nak(0) // stopping: another replica takes it
		return nil
	}
	b := s.batches[key]
	if b == nil {
		b = &openBatch{recs: map[int64]record.Conversation{}}
		s.batches[key] = b
	}
	b.lastMsg = time.Now()
	for _, a := range recs {
		b.recs[a.Index] = a.Conversation
	}
	b.held = append(b.held, m.Hold())
	ready := s.readyLocked(key, b)
	s.mu.Unlock()
	if ready {
		go s.flush(s.wctx, key, b)
	}
	return nil
}

// stop hands back the messages of every batch not being written, at
// once, so another replica (or this one restarted) takes them without
// waiting for their AckWait; later messages are refused. Batches being
// written finish within the grace period, or the runtime hands them back.
func (s *sink) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopping {
		close(s.stopped)
	}
	s.stopping = true
	n := 0
	for key, b := range s.batches {
		if b.flushing {
			continue
		}
		n += len(b.held)
		s.handBackLocked(key, b)
	}
	if n > 0 {
		s.cfg.Log.Info().Int("messages", n).Msg("sink stopping: open parts handed back for redelivery")
	}
}

// handBackLocked naks the messages of a batch for redelivery at once and
// forgets it.
func (s *sink) handBackLocked(key batchKey, b *openBatch) {
	if s.batches[key] != b {
		return
	}
	for _, h := range b.held {
		_ = h.Nak(0)
	}
	delete(s.batches, key)
}

func (s *sink) isWritten(ctx context.Context, key batchKey) (bool, error) {
	s.mu.Lock()
	done, known := s.written[key]
	_, open := s.batches[key]
	s.mu.Unlock()
	if known || open {
		return done, nil
	}
	var f dataset.File
	_, err := s.jobs.GetJSON(ctx, bus.Key(key.job, "part", fmt.Sprint(key.seq)), &f)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	s.written[key] = true
	s.mu.Unlock()
	return true, nil
}

// readyLocked reports whether b holds every record of its part and marks
// it flushing.
func (s *sink) readyLocked(key batchKey, b *openBatch) bool {
	if b.flushing {
		return false
	}
	job, ok := s.cache.State(key.job)
	if !ok {
		return false
	}
	total := int64(job.Request.Samples)
	if job.Sealed {
		total = job.Accepted
	}
	rows := min(int64(job.BatchRows), total-key.seq*int64(job.BatchRows))
	if rows <= 0 || int64(len(b.recs)) < rows {
		return false
	}
	b.flushing = true
	return true
}

// flush writes a complete batch, records the part, then acks its
// messages. Store errors are retried with backoff while the messages are
// kept alive: nothing is acked before the part is durable.
func (s *sink) flush(ctx context.Context, key batchKey, b *openBatch) {
	s.flushes <- struct{}{}
	defer func() { <-s.flushes }()
	log := s.cfg.Log.With().Str("job", key.job).Int64("part", key.seq).Logger()
	// On a failure before the store write the batch is handed back to tick,
	// which tries it again; its messages stay held and alive meanwhile.
	retryLater := func() {
		s.mu.Lock()
		b.flushing = false
		if s.stopping {
			s.handBackLocked(key, b)
		}
		s.mu.Unlock()
	}
	info, err := s.cache.Get(ctx, key.job)
	if err != nil {
		log.Error().Err(err).Msg("part not written; will retry")
		retryLater()
		return
	}
	s.mu.Lock()
	idx := make([]int64, 0, len(b.recs))
	for i := range b.recs {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	recs := make([]record.Conversation, len(idx))
	for k, i := range idx {
		recs[k] = b.recs[i]
	}
	s.mu.Unlock()
	var buf bytes.Buffer
	if err := dataset.Encode(&buf, recs, dataset.Options{Compression: s.cfg.Compression, RowGroupBytes: rowGroupBytes}); err != nil {
		log.Error().Err(err).Msg("encode part; will retry")
		retryLater()
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	file := dataset.File{Name: dataset.PartName(key.seq), Rows: int64(len(recs)), Bytes: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:])}
	objKey := dataset.JobDir(key.job) + file.Name
	start := time.Now()
	if !s.retry(ctx, log, "write part", func() error {
		if s.stoppedNow(key.job) {
			return errJobStopped
		}
		st, err := s.stores.open(ctx, outputOf(&info.Job, s.cfg))
		if err != nil {
			s.failOnBadOutput(ctx, key.job, err)
			return err
		}
		return st.Put(ctx, objKey, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	}) {
		if s.stoppedNow(key.job) {
			s.dropIfStopped(key, b) // nothing more is written for the job
		} else {
			s.mu.Lock()
			s.handBackLocked(key, b)
			s.mu.Unlock()
		}
		return
	}
	s.cfg.Metrics.UploadSeconds.Observe(time.Since(start).Seconds())
	s.cfg.Metrics.UploadBytes.Add(float64(buf.Len()))
	s.cfg.Metrics.SinkBatchRows.Observe(float64(len(recs)))
	if s.fault("uploaded") {
		return
	}
	if !s.retry(ctx, log, "record part", func() error {
		return s.jobs.PutJSON(ctx, bus.Key(key.job, "part", fmt.Sprint(key.seq)), file)
	}) {
		s.mu.Lock()
		s.handBackLocked(key, b)
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	held := b.held
	delete(s.batches, key)
	s.written[key] = true
	s.statsOf(key.job).add(file.Name, recs)
	s.mu.Unlock()
	for _, h := range held {
		_ = h.Ack()
	}
	if s.fault("acked") {
		return
	}
	s.cnt.Add(key.job, pipeline.CounterRows, file.Rows)
	s.cnt.Add(key.job, pipeline.CounterParts, 1)
	log.Info().Int64("rows", file.Rows).Int64("bytes", file.Bytes).Msg("part written")
	s.maybeFinalize(ctx, key.job)
}

// retry runs op until it succeeds (the runtime keeps the held messages
// alive meanwhile); false when ctx ended first, or when op failed while
// the sink is stopping: a stopping sink does not wait to retry.
func (s *sink) retry(ctx context.Context, log zerolog.Logger, what string, op func() error) bool {
	delay := 250 * time.Millisecond
	for {
		err := op()
		if err == nil {
			return true
		}
		if errors.Is(err, errJobStopped) {
			log.Info().Msg(what + " given up: the job was cancelled or failed")
			return false
		}
		select {
		case <-s.stopped:
			log.Warn().Err(err).Msg(what + " failed while stopping; handing the batch back")
			return false
		default:
		}
		log.Warn().Err(err).Dur("retry_in", delay).Msg(what + " failed; holding the batch")
		select {
		case <-ctx.Done():
			return false
		case <-s.stopped:
			return false
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

// fault calls the configured fault hook; true means "crashed": the sink
// stops at once without acking anything more.
func (s *sink) fault(point string) bool {
	if s.cfg.Fault == nil {
		return false
	}
	if err := s.cfg.Fault(point); err != nil {
		s.cfg.Log.Warn().Err(err).Str("point", point).Msg("fault injected: sink stops without acking")
		s.cfg.Conn.NC.Close()
		s.crash()
		return true
	}
	return false
}

// tick completes batches whose part shrank when the job was sealed short,
// hands back stale batches, finishes sealed jobs, and on stop hands back
// the open batches. The runtime keeps held messages alive.
func (s *sink) tick(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.stop()
			return
		case <-t.C:
		}
		var ready []batchKey
		var readyBatches []*openBatch
		jobsSeen := map[string]bool{}
		s.mu.Lock()
		for key, b := range s.batches {
			if !b.flushing && time.Since(b.lastMsg) > staleAfter {
				s.handBackLocked(key, b)
				s.cfg.Log.Warn().Str("job", key.job).Int64("part", key.seq).Int("rows", len(b.recs)).
					Msg("part incomplete with no new record for a minute: handing its records back")
				continue
			}
			if s.readyLocked(key, b) {
				ready, readyBatches = append(ready, key), append(readyBatches, b)
			}
		}
		s.relieveLocked()
		s.dropStoppedLocked()
		running := s.cache.Snapshot()
		s.mu.Unlock()
		for _, job := range running {
			if job.Status != record.StatusRunning {
				continue
			}
			// The watch keeps states fresh; this read covers a missed
			// update, so a sealed job is finished regardless.
			s.cache.Refresh(ctx, job.ID)
			if fresh, ok := s.cache.State(job.ID); ok && finishable(fresh) {
				jobsSeen[job.ID] = true
			}
		}
		for i, key := range ready {
			go s.flush(s.wctx, key, readyBatches[i])
		}
		for job := range jobsSeen {
			s.maybeFinalize(ctx, job)
		}
	}
}

// relieveLocked breaks a stall: a partition's consumer stops delivering
// when the sink holds MaxAckPending of its messages, and if those belong to
// several unfinished parts (messages arrived out of order, or came back
// after a redelivery), none may ever complete. When a partition is near
// its message limit, or holds two parts' worth of rows, with nothing to
// flush, the open part with the highest number gives its messages back
// (they are redelivered later) so the lower parts can fill.
func (s *sink) relieveLocked() {
	msgLimit := s.pendingLimit() - s.cfg.BatchRows/2
	rowLimit := 2 * s.cfg.BatchRows
	held, rows := map[int]int{}, map[int]int{}
	last := map[int]batchKey{}
	for key, b := range s.batches {
		job, ok := s.cache.State(key.job)
		if !ok || b.flushing {
			continue
		}
		p := int(key.seq % int64(job.Partitions))
		held[p] += len(b.held)
		rows[p] += len(b.recs)
		if prev, ok := last[p]; !ok || key.seq > prev.seq {
			last[p] = key
		}
	}
	for p, n := range held {
		if n < msgLimit && rows[p] < rowLimit {
			continue
		}
		key := last[p]
		b := s.batches[key]
		for _, h := range b.held {
			_ = h.Nak(time.Second)
		}
		delete(s.batches, key)
		s.cfg.Log.Warn().Str("job", key.job).Int64("part", key.seq).Int("partition", p).Int("held", n).Int("rows", rows[p]).
			Msg("partition at its pending limit with no part complete: handing back the highest part's records")
	}
}

// pendingLimit is the MaxAckPending of a partition consumer: two parts
// and some, even if every message carried a single record.
func (s *sink) pendingLimit() int { return 2*s.cfg.BatchRows + 1024 }

func outputOf(job *record.Job, cfg *settings) string {
	if job.Request.Output != "" {
		return job.Request.Output
	}
	return cfg.Output
}

// stores opens each output once and checks it on first use.
type stores struct {
	s3 store.S3Config
	// policy confines every output but the sink's own default, fallback.
	policy   store.Policy
	fallback string
	mu       sync.Mutex
	m        map[string]store.Store
}

func newStores(s3 store.S3Config) *stores { return &stores{s3: s3, m: map[string]store.Store{}} }

func (s *stores) open(ctx context.Context, output string) (store.Store, error) {
	if output == "" {
		return nil, errors.New("no output: the request names none and the sink has no default (--out or SYNTHDESK_OUTPUT)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[output]; ok {
		return st, nil
	}
	if output != s.fallback {
		if _, err := s.policy.Resolve(output); err != nil {
			return nil, fmt.Errorf("output %s: %w", output, err)
		}
	}
	st, err := store.Open(ctx, output, s.s3)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", output, err)
	}
	if err := st.Check(ctx); err != nil {
		return nil, fmt.Errorf("output %s: %w", output, err)
	}
	s.m[output] = st
	return st, nil
}
