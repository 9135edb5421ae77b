package pipeline

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
)

// Counters are a stage's per-job counts, by name.
type Counters map[string]int64

// counters accumulates per-job counts in memory and writes them to the job
// store periodically as <job>.counts.<stage>.<replica>. They are for
// progress and operations; the exact figures of a job (accepted,
// rejections) come from the admission ledger.
type counters struct {
	store   *bus.Jobs
	stage   string
	replica string

	mu    sync.Mutex
	jobs  map[string]Counters
	dirty map[string]bool
}

func newCounters(store *bus.Jobs, stage, replica string) *counters {
	return &counters{store: store, stage: stage, replica: replica, jobs: map[string]Counters{}, dirty: map[string]bool{}}
}

func (c *counters) add(job, name string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.jobs[job]
	if m == nil {
		m = Counters{}
		c.jobs[job] = m
	}
	m[name] += n
	c.dirty[job] = true
}

// run flushes every interval until ctx ends, then flushes once more.
func (c *counters) run(ctx context.Context, every time.Duration, log zerolog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			c.flush(fctx, log)
			cancel()
			return
		case <-t.C:
			c.flush(ctx, log)
		}
	}
}

func (c *counters) flush(ctx context.Context, log zerolog.Logger) {
	c.mu.Lock()
	snap := map[string]Counters{}
	for job := range c.dirty {
		snap[job] = maps.Clone(c.jobs[job])
	}
	c.dirty = map[string]bool{}
	c.mu.Unlock()
	for job, m := range snap {
		if err := c.store.PutJSON(ctx, bus.Key(job, "counts", c.stage, c.replica), m); err != nil {
			log.Warn().Err(err).Str("job", job).Msg("counters not saved; will retry")
			c.mu.Lock()
			c.dirty[job] = true
			c.mu.Unlock()
		}
	}
}

// StageCounts sums the counters of every replica of every stage of a job.
func StageCounts(ctx context.Context, store *bus.Jobs, jobID string) (map[string]Counters, error) {
	vals, err := store.List(ctx, bus.Key(jobID, "counts", ">"))
	if err != nil {
		return nil, err
	}
	out := map[string]Counters{}
	for key, raw := range vals {
		stage := stageOfKey(key, jobID)
		var m Counters
		if err := json.Unmarshal(raw, &m); err != nil {
			continue
		}
		if out[stage] == nil {
			out[stage] = Counters{}
		}
		for k, v := range m {
			out[stage][k] += v
		}
	}
	return out, nil
}

// stageOfKey extracts <stage> from <job>.counts.<stage>.<replica>.
func stageOfKey(key, jobID string) string {
	rest := strings.TrimPrefix(key, jobID+".counts.")
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		return rest[:i]
	}
	return rest
}
