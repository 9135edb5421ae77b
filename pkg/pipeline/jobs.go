package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/classify"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// JobInfo is what a stage derives once from a job's state.
type JobInfo struct {
	Job      record.Job
	Tax      *taxonomy.Taxonomy
	Engine   *rules.Engine
	Settings classify.Settings
	Checker  *quality.Checker
}

// JobCache keeps the jobs a process works on, kept fresh by a watch on the
// job store. Safe for concurrent use.
type JobCache struct {
	store      *bus.Jobs
	defaultTax *taxonomy.Taxonomy

	mu      sync.Mutex
	jobs    map[string]*JobInfo
	engines map[string]*rules.Engine
}

func NewJobCache(store *bus.Jobs, tax *taxonomy.Taxonomy) *JobCache {
	return &JobCache{store: store, defaultTax: tax, jobs: map[string]*JobInfo{}, engines: map[string]*rules.Engine{}}
}

// Watch applies job state updates until ctx ends.
func (c *JobCache) Watch(ctx context.Context) error {
	updates, err := c.store.Watch(ctx)
	if err != nil {
		return err
	}
	for j := range updates {
		c.set(j)
	}
	return nil
}

// set replaces a cached job's state. Handlers keep the *jobInfo they got
// and read it without the lock, so the entry is replaced, never mutated.
func (c *JobCache) set(j record.Job) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, ok := c.jobs[j.ID]; ok {
		fresh := *info
		fresh.Job = j
		c.jobs[j.ID] = &fresh
	}
}

// Get returns a job's derived state, loading it on first use.
func (c *JobCache) Get(ctx context.Context, id string) (*JobInfo, error) {
	c.mu.Lock()
	info, ok := c.jobs[id]
	c.mu.Unlock()
	if ok {
		return info, nil
	}
	job, err := c.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	info, err = c.derive(job)
	if err != nil {
		return nil, bus.Permanent(fmt.Errorf("job %s: %w", id, err))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.jobs[id]; ok {
		return prev, nil
	}
	c.jobs[id] = info
	return info, nil
}

// State returns the freshest known State of a job.
func (c *JobCache) State(id string) (record.Job, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, ok := c.jobs[id]
	if !ok {
		return record.Job{}, false
	}
	return info.Job, true
}

func (c *JobCache) derive(job record.Job) (*JobInfo, error) {
	tax, err := JobTaxonomy(&job.Request, c.defaultTax)
	if err != nil {
		return nil, err
	}
	if tax.Hash() != job.TaxonomyHash {
		return nil, fmt.Errorf("this service's taxonomy (%s) differs from the job's (%s); run every stage with the same taxonomy", tax.Hash(), job.TaxonomyHash)
	}
	settings, err := classify.NewSettings(&job.Request)
	if err != nil {
		return nil, err
	}
	checker, err := quality.NewChecker(quality.Config{MinTurns: job.Request.Turns.Min, MaxTurns: job.Request.Turns.Max, PII: job.Request.Quality.PII})
	if err != nil {
		return nil, err
	}
	engine, err := c.engine(tax)
	if err != nil {
		return nil, err
	}
	return &JobInfo{Job: job, Tax: tax, Engine: engine, Settings: settings, Checker: checker}, nil
}

func (c *JobCache) engine(tax *taxonomy.Taxonomy) (*rules.Engine, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.engines[tax.Hash()]; ok {
		return e, nil
	}
	e, err := rules.Compile(tax)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	c.engines[tax.Hash()] = e
	return e, nil
}

// JobTaxonomy is the request's inline taxonomy, or the service default.
func JobTaxonomy(r *record.Request, def *taxonomy.Taxonomy) (*taxonomy.Taxonomy, error) {
	if r.Taxonomy == "" {
		return def, nil
	}
	t, err := taxonomy.Parse([]byte(r.Taxonomy))
	if err != nil {
		return nil, &record.FieldError{Field: "taxonomy", Problem: err.Error()}
	}
	return t, nil
}

// Snapshot returns the states of the cached jobs. Callers may hold other
// locks; it takes only the cache's.
func (c *JobCache) Snapshot() []record.Job {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]record.Job, 0, len(c.jobs))
	for _, info := range c.jobs {
		out = append(out, info.Job)
	}
	return out
}

// Refresh reads a cached job's state from the store, for when a watch
// update was missed (the watch restarts after a reconnect, for one).
func (c *JobCache) Refresh(ctx context.Context, id string) {
	job, err := c.store.Get(ctx, id)
	if err != nil {
		return
	}
	c.set(job)
}

// ErrNotRunning is StopJob's error for a job that has already ended: it refuses to stop a job that has already ended.
var ErrNotRunning = errors.New("job already ended")

// StopJob asks every stage to stop working on a running job: the stages
// drop its messages and a sink finishes it with stop.Status and the files
// written so far. A job already stopped keeps its first stop; a job that
// has ended is returned as it is.
func StopJob(ctx context.Context, jobs *bus.Jobs, id string, stop record.Stop) (record.Job, error) {
	if stop.At.IsZero() {
		stop.At = time.Now().UTC()
	}
	job, err := jobs.Update(ctx, id, func(j *record.Job) error {
		if record.Terminal(j.Status) {
			return fmt.Errorf("job %s: %w (%s)", id, ErrNotRunning, j.Status)
		}
		if j.Stop == nil {
			j.Stop = &stop
		}
		return nil
	})
	if errors.Is(err, ErrNotRunning) {
		got, gerr := jobs.Get(ctx, id)
		if gerr != nil {
			return job, gerr
		}
		return got, nil
	}
	return job, err
}

// DropStopped reports whether a stage should drop a message of this job
// without working on it: the job was cancelled, failed or has ended.
func (c *JobCache) DropStopped(info *JobInfo) bool {
	if job, ok := c.State(info.Job.ID); ok {
		return job.Stopped()
	}
	return info.Job.Stopped()
}

// Reopen continues a job submitted again: a failed or cancelled one (or
// one being stopped) runs again, so its republished tasks are worked on.
// Nothing accepted is lost or repeated: the ledger answers a record it
// already decided with the same decision, whose outputs (accepted records,
// regeneration tasks) are published again, so the tasks dropped while the
// job was stopped come back and the parts not written are filled. A job
// that ended from its seal (done, partial, or failed with nothing
// accepted: the ledger would decide the same) is returned unchanged.
func Reopen(ctx context.Context, jobs *bus.Jobs, job record.Job, log zerolog.Logger) (record.Job, error) {
	if job.Stop == nil && (job.Sealed || job.Status == record.StatusRunning) {
		return job, nil
	}
	was := job.Status
	if job.Stop != nil {
		was += " (" + job.Stop.Status + ")"
	}
	job, err := jobs.Update(ctx, job.ID, func(j *record.Job) error {
		if j.Stop == nil && (j.Sealed || j.Status == record.StatusRunning) {
			return nil
		}
		j.Status, j.Stop, j.Reason, j.Error, j.FinishedAt = record.StatusRunning, nil, "", "", time.Time{}
		j.Epoch++
		// Every task is published again under the new epoch.
		j.Intake.Published, j.Intake.At = 0, time.Now().UTC()
		return nil
	})
	if err != nil {
		return job, fmt.Errorf("reopen job %s: %w", job.ID, err)
	}
	log.Info().Str("job", job.ID).Str("was", was).Msg("job submitted again: continuing it")
	return job, nil
}

// MsgID is the Nats-Msg-Id of a message derived from id: id itself, with
// the job's epoch appended once the job was reopened.
func MsgID(job *record.Job, id string) string {
	if job.Epoch == 0 {
		return id
	}
	return fmt.Sprintf("%s~e%d", id, job.Epoch)
}
