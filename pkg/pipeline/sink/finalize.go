package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/report"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// finishable reports whether a sink should finish a job: it is still
// running and either sealed by the validator or stopped (cancelled, or
// failed by a stage).
func finishable(job record.Job) bool {
	return job.Status == record.StatusRunning && (job.Sealed || job.Stop != nil)
}

// maybeFinalize finishes a sealed or stopped job once every part is
// recorded: it writes the manifest, then _SUCCESS when every quota was
// met, then marks the job with its final status. Any sink replica may do
// it, from the job store alone; the outputs are deterministic apart from
// timings, so a repeat only rewrites them.
func (s *sink) maybeFinalize(ctx context.Context, jobID string) {
	job, ok := s.cache.State(jobID)
	if !ok || !finishable(job) {
		return
	}
	// Stage counters reach the job store every 500 ms: give every stage
	// time to report its last ones before the manifest reads them.
	at := job.SealedAt
	if job.Stop != nil {
		at = job.Stop.At
	}
	if time.Since(at) < countersSettle {
		return
	}
	s.mu.Lock()
	if s.finalizing[jobID] || (job.Stop != nil && s.writingLocked(jobID)) {
		// A stopped job's manifest lists the parts written: wait for a
		// write in progress to be recorded or given up.
		s.mu.Unlock()
		return
	}
	s.finalizing[jobID] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.finalizing, jobID)
		s.mu.Unlock()
	}()
	raw, err := s.jobs.List(ctx, bus.Key(jobID, "part", "*"))
	if err != nil || (job.Stop == nil && int64(len(raw)) < job.Parts(job.Accepted)) {
		return
	}
	if s.fault("finalize") {
		return
	}
	err = s.finalize(ctx, job, raw)
	if err != nil && job.Stop != nil {
		// A stopped job ends even when its output cannot take the
		// manifest (the output may be why it failed).
		err = s.endWithoutManifest(ctx, job, int64(len(raw)), err)
	}
	if err != nil {
		s.cfg.Metrics.FinalizeRetries.Inc()
		s.cfg.Log.Warn().Err(err).Str("job", jobID).
			Msg("job not finalized; retrying within a second (finalization is idempotent)")
	}
}

// endWithoutManifest marks a stopped job ended when its manifest could not
// be written, saying so in its reason.
func (s *sink) endWithoutManifest(ctx context.Context, job record.Job, parts int64, cause error) error {
	status, reason := ending(job)
	reason = fmt.Sprintf("%s; %d parts recorded; manifest not written: %v", reason, parts, cause)
	_, err := s.jobs.Update(ctx, job.ID, func(j *record.Job) error {
		if j.Status != record.StatusRunning {
			return pipeline.ErrNotRunning
		}
		j.Status, j.FinishedAt, j.Reason = status, time.Now().UTC(), reason
		if status == record.StatusFailed {
			j.Error = reason
		}
		return nil
	})
	if errors.Is(err, pipeline.ErrNotRunning) {
		return nil
	}
	if err == nil {
		s.cfg.Log.Error().Str("job", job.ID).Str("status", status).Str("reason", reason).Msg("job ended without a manifest")
	}
	return err
}

// writingLocked reports whether a part of the job is being written.
func (s *sink) writingLocked(jobID string) bool {
	for key, b := range s.batches {
		if key.job == jobID && b.flushing {
			return true
		}
	}
	return false
}

// ending is the final status of a finishable job and why it ended so.
func ending(job record.Job) (status, reason string) {
	switch {
	case job.Stop != nil && job.Stop.Stage != "":
		return job.Stop.Status, job.Stop.Stage + ": " + job.Stop.Reason
	case job.Stop != nil:
		return job.Stop.Status, job.Stop.Reason
	case job.Accepted == 0:
		return record.StatusFailed, fmt.Sprintf("no record was accepted: the retry budget (%d) ran out; rejections: %s",
			job.Request.Quality.RetryBudget, topReasons(job.Rejections, 3))
	case job.Accepted < int64(job.Request.Samples):
		return record.StatusPartial, fmt.Sprintf("the retry budget (%d) ran out with %d of %d rows; rejections: %s",
			job.Request.Quality.RetryBudget, job.Accepted, job.Request.Samples, topReasons(job.Rejections, 3))
	}
	return record.StatusDone, "every quota met"
}

// topReasons lists the n most frequent rejection reasons with counts.
func topReasons(m map[string]int64, n int) string {
	if len(m) == 0 {
		return "none recorded"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys[:min(n, len(keys))] {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(keys) > n {
		parts = append(parts, fmt.Sprintf("%d more reasons", len(keys)-n))
	}
	return strings.Join(parts, ", ")
}

func (s *sink) finalize(ctx context.Context, job record.Job, raw map[string][]byte) error {
	st, err := s.stores.open(ctx, outputOf(&job, s.cfg))
	if err != nil {
		return err
	}
	files := make([]dataset.File, 0, len(raw))
	for _, b := range raw {
		var f dataset.File
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	m := dataset.Manifest{
		SchemaVersion: record.SchemaVersion, JobID: job.ID, Location: st.URL(dataset.JobDir(job.ID)),
		Request: job.Request, Seed: job.Seed, TaxonomyHash: job.TaxonomyHash, Files: files,
		Requested: job.Quotas, Shortfall: job.Shortfall, Rejections: job.Rejections, Regenerations: job.Regenerations,
	}
	if m.Rejections == nil {
		m.Rejections = map[string]int64{}
	}
	s.mu.Lock()
	ps := s.statsOf(job.ID)
	s.mu.Unlock()
	for _, f := range files {
		m.Rows += f.Rows
		s.mu.Lock()
		counted := ps.has(f.Name)
		s.mu.Unlock()
		if counted {
			continue
		}
		var recs []record.Conversation
		err := scanPart(ctx, st, dataset.JobDir(job.ID)+f.Name, func(c *record.Conversation) { recs = append(recs, *c) })
		if err != nil {
			return err
		}
		s.mu.Lock()
		ps.add(f.Name, recs)
		s.mu.Unlock()
	}
	s.mu.Lock()
	m.Quality = ps.stats.Summary()
	samples := slices.Clone(ps.samples.list)
	s.mu.Unlock()
	m.Status, m.Reason = ending(job)
	if job.Stop != nil {
		m.Reason += fmt.Sprintf("; %d of %d rows written", m.Rows, job.Request.Samples)
	}
	for _, q := range job.Quotas {
		got := int(m.Quality.Intents[q.Intent])
		m.Delivered = append(m.Delivered, record.Quota{Intent: q.Intent, Count: got})
		if !job.Sealed && got < q.Count {
			m.Shortfall = append(m.Shortfall, record.Quota{Intent: q.Intent, Count: q.Count - got})
		}
	}
	if job.Request.Quality.KeepRejected {
		if m.RejectedFiles, err = s.writeRejected(ctx, st, job); err != nil {
			return err
		}
	}
	s.cnt.Flush(ctx, s.cfg.Log)
	counts, err := pipeline.StageCounts(ctx, s.jobs, job.ID)
	if err != nil {
		return err
	}
	m.Stages = map[string]map[string]int64{}
	for stage, c := range counts {
		m.Stages[stage] = make(map[string]int64, len(c))
		for k, v := range c {
			m.Stages[stage][string(k)] = v
		}
	}
	m.LLM = llmFigures(counts[pipeline.StageGenerator])
	m.LLM.Generator = generatorNames(m.Quality.Generators)
	finished := time.Now().UTC()
	m.Timing = dataset.Timing{CreatedAt: job.CreatedAt, FinishedAt: finished, Seconds: finished.Sub(job.CreatedAt).Seconds()}
	if m.Timing.Seconds > 0 {
		m.Timing.RowsPerSecond = float64(m.Rows) / m.Timing.Seconds
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	dir := dataset.JobDir(job.ID)
	if err := st.Put(ctx, dir+dataset.ManifestName, bytes.NewReader(body), int64(len(body))); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	if err := report.Write(ctx, st, dir, m, samples); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if m.Status == record.StatusDone {
		if err := st.Put(ctx, dir+dataset.SuccessName, bytes.NewReader(nil), 0); err != nil {
			return fmt.Errorf("write %s: %w", dataset.SuccessName, err)
		}
	}
	_, err = s.jobs.Update(ctx, job.ID, func(j *record.Job) error {
		if j.Status != record.StatusRunning || (job.Stop != nil && j.Stop == nil) {
			return pipeline.ErrNotRunning // finished by another replica, or reopened
		}
		j.Status, j.FinishedAt, j.Reason = m.Status, finished, m.Reason
		if m.Status == record.StatusFailed {
			j.Error = m.Reason
		}
		if !j.Sealed {
			j.Accepted, j.Shortfall = m.Rows, m.Shortfall
		}
		return nil
	})
	if errors.Is(err, pipeline.ErrNotRunning) {
		err = nil
	}
	if err == nil {
		s.mu.Lock()
		delete(s.seen, job.ID)
		s.mu.Unlock()
		s.cfg.Log.Info().Str("job", job.ID).Str("status", m.Status).Str("reason", m.Reason).Int64("rows", m.Rows).Msg("job finished")
	}
	return err
}

// countersSettle is how long after the seal the manifest waits for the
// stages' last counters (three flush intervals).
const countersSettle = 1500 * time.Millisecond

func scanPart(ctx context.Context, st store.Store, key string, fn func(*record.Conversation)) error {
	rc, err := st.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	return dataset.Scan(bytes.NewReader(b), int64(len(b)), func(c *record.Conversation) error {
		fn(c)
		return nil
	})
}

// writeRejected writes the job's rejected records, in the order the
// rejected stream holds them, as rejected/part-*.parquet.
func (s *sink) writeRejected(ctx context.Context, st store.Store, job record.Job) ([]dataset.File, error) {
	stream, err := s.cfg.Conn.JS.Stream(ctx, bus.StreamRejected)
	if err != nil {
		return nil, err
	}
	last, err := stream.GetLastMsgForSubject(ctx, bus.RejectedSubject(job.ID))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cons, err := s.cfg.Conn.JS.OrderedConsumer(ctx, bus.StreamRejected, jetstream.OrderedConsumerConfig{FilterSubjects: []string{bus.RejectedSubject(job.ID)}})
	if err != nil {
		return nil, err
	}
	var files []dataset.File
	var batch []record.Rejected
	seen := map[string]bool{}
	write := func() error {
		var buf bytes.Buffer
		if err := dataset.EncodeRejected(&buf, batch, dataset.Options{Compression: s.cfg.Compression}); err != nil {
			return err
		}
		name := dataset.RejectedPartName(int64(len(files)))
		if err := st.Put(ctx, dataset.JobDir(job.ID)+name, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			return err
		}
		sum := sha256.Sum256(buf.Bytes())
		files = append(files, dataset.File{Name: name, Rows: int64(len(batch)), Bytes: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:])})
		batch = batch[:0]
		return nil
	}
	for done := false; !done; {
		msgs, err := cons.Fetch(1000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, err
		}
		n := 0
		for msg := range msgs.Messages() {
			n++
			meta, _ := msg.Metadata()
			var rs []record.Rejected
			_ = pipeline.UnpackJSON(msg.Data(), &rs) // a message that does not decode is skipped
			for _, r := range rs {
				if seen[r.Conversation.ConversationID] {
					continue
				}
				seen[r.Conversation.ConversationID] = true
				batch = append(batch, r)
				if len(batch) == s.cfg.BatchRows {
					if err := write(); err != nil {
						return nil, err
					}
				}
			}
			if meta != nil && meta.Sequence.Stream >= last.Sequence {
				done = true
			}
		}
		if n == 0 {
			break
		}
	}
	if len(batch) > 0 {
		if err := write(); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func llmFigures(c pipeline.Counters) dataset.LLMFigures {
	errs := map[string]int64{}
	for k, v := range c {
		if kind, ok := k.LLMErrorKind(); ok {
			errs[kind] = v
		}
	}
	return dataset.LLMFigures{
		Errors: errs,
		Calls:  c[pipeline.CounterLLMCalls], Retries: c[pipeline.CounterLLMRetries], PromptTokens: c[pipeline.CounterPromptTokens],
		CompletionTokens: c[pipeline.CounterCompletionTokens], TokensEstimated: c[pipeline.CounterTokensEstimated] > 0,
		LLMSeconds: float64(c[pipeline.CounterLLMMillis]) / 1000, GenerationFailed: c[pipeline.CounterGenerationFailed],
		Cost: cost(c),
	}
}

// partStats accumulates the statistics and report samples of a job's
// parts as they are written or read back. Guarded by the sink's mutex.
type partStats struct {
	stats   *quality.Stats
	samples *sampler
	parts   map[string]bool
}

func (s *sink) statsOf(job string) *partStats {
	ps := s.seen[job]
	if ps == nil {
		ps = &partStats{stats: quality.NewStats(), samples: newSampler(report.SamplesPerIntent), parts: map[string]bool{}}
		s.seen[job] = ps
	}
	return ps
}

func (ps *partStats) has(name string) bool { return ps.parts[name] }

// add records a written part; a part already counted is not counted again.
func (ps *partStats) add(name string, recs []record.Conversation) {
	if ps.parts[name] {
		return
	}
	ps.parts[name] = true
	for i := range recs {
		ps.addOne(&recs[i])
	}
}

func (ps *partStats) addOne(c *record.Conversation) {
	ps.stats.Add(c)
	ps.samples.add(c)
}

// sampler keeps the first few conversations of each intent for the report.
type sampler struct {
	per   int
	count map[string]int
	list  []record.Conversation
}

func newSampler(per int) *sampler { return &sampler{per: per, count: map[string]int{}} }

func (s *sampler) add(c *record.Conversation) {
	if s.count[c.Intent] < s.per {
		s.count[c.Intent]++
		s.list = append(s.list, *c)
	}
}
