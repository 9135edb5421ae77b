package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/classify"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// jobInfo is what a stage derives once from a job's state.
type jobInfo struct {
	job      record.Job
	tax      *taxonomy.Taxonomy
	engine   *rules.Engine
	settings classify.Settings
	checker  *quality.Checker
}

// jobCache keeps the jobs a process works on, kept fresh by a watch on the
// job store. Safe for concurrent use.
type jobCache struct {
	store      *bus.Jobs
	defaultTax *taxonomy.Taxonomy

	mu      sync.Mutex
	jobs    map[string]*jobInfo
	engines map[string]*rules.Engine
}

func newJobCache(store *bus.Jobs, tax *taxonomy.Taxonomy) *jobCache {
	return &jobCache{store: store, defaultTax: tax, jobs: map[string]*jobInfo{}, engines: map[string]*rules.Engine{}}
}

// watch applies job state updates until ctx ends.
func (c *jobCache) watch(ctx context.Context) error {
	updates, err := c.store.Watch(ctx)
	if err != nil {
		return err
	}
	for j := range updates {
		c.mu.Lock()
		if info, ok := c.jobs[j.ID]; ok {
			info.job = j
		}
		c.mu.Unlock()
	}
	return nil
}

// get returns a job's derived state, loading it on first use.
func (c *jobCache) get(ctx context.Context, id string) (*jobInfo, error) {
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

// state returns the freshest known state of a job.
func (c *jobCache) state(id string) (record.Job, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, ok := c.jobs[id]
	if !ok {
		return record.Job{}, false
	}
	return info.job, true
}

func (c *jobCache) derive(job record.Job) (*jobInfo, error) {
	tax, err := jobTaxonomy(&job.Request, c.defaultTax)
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
	return &jobInfo{job: job, tax: tax, engine: engine, settings: settings, checker: checker}, nil
}

func (c *jobCache) engine(tax *taxonomy.Taxonomy) (*rules.Engine, error) {
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

// jobTaxonomy is the request's inline taxonomy, or the service default.
func jobTaxonomy(r *record.Request, def *taxonomy.Taxonomy) (*taxonomy.Taxonomy, error) {
	if r.Taxonomy == "" {
		return def, nil
	}
	t, err := taxonomy.Parse([]byte(r.Taxonomy))
	if err != nil {
		return nil, &record.FieldError{Field: "taxonomy", Problem: err.Error()}
	}
	return t, nil
}

// snapshot returns the states of the cached jobs. Callers may hold other
// locks; it takes only the cache's.
func (c *jobCache) snapshot() []record.Job {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]record.Job, 0, len(c.jobs))
	for _, info := range c.jobs {
		out = append(out, info.job)
	}
	return out
}

// refresh reads a cached job's state from the store, for when a watch
// update was missed (the watch restarts after a reconnect, for one).
func (c *jobCache) refresh(ctx context.Context, id string) {
	job, err := c.store.Get(ctx, id)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, ok := c.jobs[id]; ok {
		info.job = job
	}
}
