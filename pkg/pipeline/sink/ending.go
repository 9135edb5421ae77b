package sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// Every job ends. A sink replica finishes any job the job store says is
// sealed or stopped, whether or not it ever received the job's records:
// it watches every job state, and rescans the store at start and every
// jobScanEvery in case a watch update was missed. It also ends a running
// job that made no progress for its deadline as failed, naming the stage.

// jobScanEvery is how often a sink rereads every job state.
const jobScanEvery = 30 * time.Second

var errJobStopped = errors.New("job stopped")

// watchJobs follows every job's state until ctx ends.
func (s *sink) watchJobs(ctx context.Context) {
	s.scanJobs(ctx)
	updates, err := s.jobs.Watch(ctx)
	if err != nil {
		s.cfg.Log.Warn().Err(err).Msg("job watch not started; job states are rescanned every 30s instead")
	}
	scan := time.NewTicker(jobScanEvery)
	defer scan.Stop()
	check := time.NewTicker(s.progressEvery())
	defer check.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case j, ok := <-updates:
			if !ok {
				updates = nil
				continue
			}
			s.consider(ctx, j)
		case <-scan.C:
			s.scanJobs(ctx)
		case <-check.C:
			s.checkProgress(ctx)
		}
	}
}

// scanJobs considers every job in the store.
func (s *sink) scanJobs(ctx context.Context) {
	raw, err := s.jobs.List(ctx, "*.state")
	if err != nil {
		s.cfg.Log.Warn().Err(err).Msg("job store scan failed; retrying in 30s")
		return
	}
	for _, b := range raw {
		var j record.Job
		if json.Unmarshal(b, &j) == nil {
			s.consider(ctx, j)
		}
	}
}

// consider tracks a running job's progress and takes a finishable one
// into the sink's cache, where tick finishes it.
func (s *sink) consider(ctx context.Context, j record.Job) {
	s.mu.Lock()
	if j.Status != record.StatusRunning {
		delete(s.progress, j.ID)
	} else if s.progress[j.ID] == nil {
		s.progress[j.ID] = &jobProgress{moved: time.Now()}
	}
	s.mu.Unlock()
	if !finishable(j) {
		return
	}
	if _, err := s.cache.Get(ctx, j.ID); err != nil {
		s.cfg.Log.Warn().Err(err).Str("job", j.ID).Msg("job to finish not loaded; retrying at the next scan")
		return
	}
	s.cache.Refresh(ctx, j.ID)
}

// jobProgress is when a job's counters last moved, as this sink saw them.
type jobProgress struct {
	key   string
	moved time.Time
}

// progressEvery is how often the sink reads the counters of running jobs.
func (s *sink) progressEvery() time.Duration {
	return min(max(s.cfg.NoProgress/4, 100*time.Millisecond), time.Second)
}

// deadline is a job's no-progress deadline.
func (s *sink) deadline(j *record.Job) time.Duration {
	if j.Request.NoProgressSeconds > 0 {
		return time.Duration(j.Request.NoProgressSeconds) * time.Second
	}
	return s.cfg.NoProgress
}

// checkProgress fails the running jobs that made no progress for their
// deadline while no other job did either: a job whose tasks wait behind
// another job's is queued, not stuck.
func (s *sink) checkProgress(ctx context.Context) {
	s.mu.Lock()
	ids := make([]string, 0, len(s.progress))
	for id := range s.progress {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	type idleJob struct {
		job    record.Job
		counts map[string]pipeline.Counters
		moved  time.Time
	}
	var idle []idleJob
	for _, id := range ids {
		job, err := s.jobs.Get(ctx, id)
		if err != nil || job.Status != record.StatusRunning || job.Stop != nil {
			continue
		}
		counts, err := pipeline.StageCounts(ctx, s.jobs, id)
		if err != nil {
			continue
		}
		key := countsKey(counts)
		s.mu.Lock()
		p := s.progress[id]
		if p == nil {
			s.mu.Unlock()
			continue
		}
		if key != p.key {
			p.key, p.moved = key, time.Now()
			s.anyMoved = p.moved
		}
		idle = append(idle, idleJob{job: job, counts: counts, moved: p.moved})
		s.mu.Unlock()
	}
	for _, j := range idle {
		s.mu.Lock()
		since := time.Since(s.anyMoved)
		s.mu.Unlock()
		if time.Since(j.moved) < s.deadline(&j.job) || since < s.deadline(&j.job) {
			continue
		}
		s.failStuck(ctx, j.job, j.counts, time.Since(j.moved))
	}
}

// failStuck ends a job without progress as failed, naming the stage.
func (s *sink) failStuck(ctx context.Context, job record.Job, counts map[string]pipeline.Counters, idle time.Duration) {
	stage, why := stuckStage(&job, counts)
	reason := fmt.Sprintf("no progress for %s: %s", idle.Round(time.Second), why)
	if _, err := pipeline.StopJob(ctx, s.jobs, job.ID, record.Stop{Status: record.StatusFailed, Stage: stage, Reason: reason}); err != nil {
		s.cfg.Log.Warn().Err(err).Str("job", job.ID).Msg("stuck job not stopped; retrying")
		return
	}
	s.cfg.Metrics.JobsStopped.WithLabelValues(record.StatusFailed, stage).Inc()
	s.cfg.Log.Warn().Str("job", job.ID).Str("stage", stage).Str("reason", reason).
		Dur("deadline", s.deadline(&job)).Msg("job made no progress within its deadline: ending it as failed")
}

// stuckStage names the stage a job without progress waits on, and why:
// the first stage whose input was not all passed on.
func stuckStage(j *record.Job, c map[string]pipeline.Counters) (stage, why string) {
	g, cl, v, sk := c[pipeline.StageGenerator], c[pipeline.StageClassifier], c[pipeline.StageValidator], c[pipeline.StageSink]
	generated := g[pipeline.CounterGenerated]
	decided := v[pipeline.CounterAccepted] + v[pipeline.CounterRegenerated] + v[pipeline.CounterAbandoned]
	switch {
	case j.Sealed:
		return pipeline.StageSink, fmt.Sprintf("sealed with %d accepted, %d rows written and the job not finalized (see the sink's log: output unreachable?)", j.Accepted, sk[pipeline.CounterRows])
	case cl[pipeline.CounterLabeled]+g[pipeline.CounterGenerationFailed] < generated:
		return pipeline.StageClassifier, fmt.Sprintf("%d of %d generated conversations labeled", cl[pipeline.CounterLabeled], generated)
	case decided < generated:
		return pipeline.StageValidator, fmt.Sprintf("%d of %d generated conversations decided", decided, generated)
	case v[pipeline.CounterAccepted] > sk[pipeline.CounterRows] && decided >= int64(j.Request.Samples):
		return pipeline.StageSink, fmt.Sprintf("%d of %d accepted rows written", sk[pipeline.CounterRows], v[pipeline.CounterAccepted])
	}
	why = fmt.Sprintf("%d conversations generated, %d accepted of %d", generated, v[pipeline.CounterAccepted], j.Request.Samples)
	var errs []string
	for k, n := range g {
		if kind, ok := k.LLMErrorKind(); ok {
			errs = append(errs, fmt.Sprintf("%s %d", kind, n))
		}
	}
	if len(errs) > 0 {
		why += fmt.Sprintf("; LLM errors: %v", errs)
	}
	return pipeline.StageGenerator, why
}

// progressStages are the stages whose counters measure a job's progress:
// the validator's are the ledger's totals, which move only on new
// decisions, and the sink's count rows and parts written. The generator's
// and classifier's also move on redelivered work that decides nothing
// new (a task taken again after a stall downstream), so they do not count.
var progressStages = []string{pipeline.StageValidator, pipeline.StageSink}

// countsKey is a value that changes whenever a counter of the progress
// stages does.
func countsKey(c map[string]pipeline.Counters) string {
	var sum, n int64
	for _, stage := range progressStages {
		for _, v := range c[stage] {
			sum += v
			n++
		}
	}
	return fmt.Sprint(n, ":", sum)
}

// stoppedNow reports whether the job was cancelled or failed, reading the
// store so a long retry loop sees a stop at once.
func (s *sink) stoppedNow(jobID string) bool {
	s.cache.Refresh(context.Background(), jobID)
	j, ok := s.cache.State(jobID)
	return ok && j.Stopped()
}

// failOnBadOutput fails a job whose output can never be written: the
// store refused the credentials or the bucket does not exist.
func (s *sink) failOnBadOutput(ctx context.Context, jobID string, err error) {
	if !errors.Is(err, store.ErrBadCredentials) && !errors.Is(err, store.ErrNoBucket) {
		return
	}
	if _, serr := pipeline.StopJob(ctx, s.jobs, jobID, record.Stop{Status: record.StatusFailed, Stage: pipeline.StageSink, Reason: err.Error()}); serr == nil {
		s.cfg.Metrics.JobsStopped.WithLabelValues(record.StatusFailed, pipeline.StageSink).Inc()
		s.cfg.Log.Error().Err(err).Str("job", jobID).Msg("job output cannot be written: ending the job as failed")
	}
}

// dropIfStopped gives up a part whose write was abandoned because its job
// stopped: its messages are acked, as nothing more is written for the job.
func (s *sink) dropIfStopped(p *part) {
	if !s.stoppedNow(p.Key().Job) {
		return
	}
	s.mu.Lock()
	dropped := s.parts.Release(p)
	s.mu.Unlock()
	if dropped {
		done(p)
	}
}

// dropStoppedLocked acks and forgets the open parts of stopped jobs.
func (s *sink) dropStoppedLocked() {
	stopped := func(p *part) bool {
		j, ok := s.cache.State(p.Key().Job)
		return ok && j.Stopped()
	}
	for _, p := range s.parts.Drop(stopped) {
		done(p)
	}
}

// done settles the messages of a part no longer open as done: written,
// or nothing more is to be written for its job.
func done(p *part) {
	for _, h := range p.Tokens() {
		h.Done(nil)
	}
}
