package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

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

// countersSettle is how long after the seal the manifest waits for the
// stages' last counters (three flush intervals).
const countersSettle = 1500 * time.Millisecond

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
	if time.Since(at) < countersSettle || !s.startFinalizing(job) {
		return
	}
	defer func() {
		s.mu.Lock()
		delete(s.finalizing, jobID)
		s.mu.Unlock()
	}()
	raw, err := s.jobs.List(ctx, bus.Key(jobID, "part", "*"))
	if err != nil {
		s.cfg.Metrics.FinalizeRetries.Inc()
		s.quiet.Warn().Err(err).Str("job", jobID).Msg("job parts not listed; finalizing again within a second")
		return
	}
	if job.Stop == nil && int64(len(raw)) < job.Parts(job.Accepted) {
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

// startFinalizing claims the job's finalization for this call; false when
// another call has it, or when a part of the stopped job is being written
// (its manifest lists the parts written: wait for the write to be recorded
// or given up).
func (s *sink) startFinalizing(job record.Job) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finalizing[job.ID] || (job.Stop != nil && s.parts.Writing(job.ID)) {
		return false
	}
	s.finalizing[job.ID] = true
	return true
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

// finalize reads what the manifest is made of (the part records, the
// parts written elsewhere, the rejected records if kept, the stage
// counters), writes the manifest, report and _SUCCESS, and marks the job
// finished.
func (s *sink) finalize(ctx context.Context, job record.Job, raw map[string][]byte) error {
	st, err := s.stores.open(ctx, outputOf(&job, s.cfg))
	if err != nil {
		return err
	}
	in := manifestInput{Job: job, Location: st.URL(dataset.JobDir(job.ID))}
	if in.Files, err = partFiles(raw); err != nil {
		return err
	}
	var samples []record.Conversation
	if in.Quality, samples, err = s.partStats(ctx, st, job.ID, in.Files); err != nil {
		return err
	}
	if job.Request.Quality.KeepRejected {
		if in.Rejected, err = s.writeRejected(ctx, st, job); err != nil {
			return err
		}
	}
	s.cnt.Flush(ctx, s.cfg.Log)
	if in.Counts, err = pipeline.StageCounts(ctx, s.jobs, job.ID); err != nil {
		return err
	}
	in.Finished = time.Now().UTC()
	m := buildManifest(in)
	if err := writeOutputs(ctx, st, m, samples); err != nil {
		return err
	}
	return s.markFinished(ctx, job, m)
}

// partStats are the quality summary and report samples of the job's
// parts, reading back the parts this replica did not write.
func (s *sink) partStats(ctx context.Context, st store.Store, jobID string, files []dataset.File) (quality.Summary, []record.Conversation, error) {
	s.mu.Lock()
	ps := s.statsOf(jobID)
	s.mu.Unlock()
	for _, f := range files {
		s.mu.Lock()
		counted := ps.Has(f.Name)
		s.mu.Unlock()
		if counted {
			continue
		}
		var recs []record.Conversation
		err := scanPart(ctx, st, dataset.JobDir(jobID)+f.Name, func(c *record.Conversation) { recs = append(recs, *c) })
		if err != nil {
			return quality.Summary{}, nil, err
		}
		s.mu.Lock()
		ps.Add(f.Name, recs)
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ps.Summary(), ps.Samples(), nil
}

// writeOutputs writes the manifest and report, then _SUCCESS when the
// job is done.
func writeOutputs(ctx context.Context, st store.Store, m dataset.Manifest, samples []record.Conversation) error {
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	dir := dataset.JobDir(m.JobID)
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
	return nil
}

// markFinished gives the job its final status from the manifest, unless
// another replica finished it or it was reopened.
func (s *sink) markFinished(ctx context.Context, job record.Job, m dataset.Manifest) error {
	_, err := s.jobs.Update(ctx, job.ID, func(j *record.Job) error {
		if j.Status != record.StatusRunning || (job.Stop != nil && j.Stop == nil) {
			return pipeline.ErrNotRunning // finished by another replica, or reopened
		}
		j.Status, j.FinishedAt, j.Reason = m.Status, m.Timing.FinishedAt, m.Reason
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

// scanPart gives fn every record of the stored part under key.
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
