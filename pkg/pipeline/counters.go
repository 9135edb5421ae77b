package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Counters are a stage's per-job counts, by name.
type Counters map[Counter]int64

// Recorder accumulates per-job counts in memory and writes them to the job
// store periodically as <job>.counts.<stage>.<replica>, for progress and
// operations.
//
// Counts added with add are the work a replica did (generated, labeled,
// LLM calls...): a process that starts under the name of one that stopped
// continues its totals (it reads the stored ones and adds to them with
// compare-and-set), so a restart loses nothing; work redone after a crash
// is counted again, as it was done again. Figures set with set are totals
// the replica reads from the source of truth (the validator's ledger);
// StageCounts merges those by maximum over replicas, so a replica that
// restarted, or one that died with a stale view, never skews them.
type Recorder struct {
	store   *bus.Jobs
	stage   string
	replica string

	// flushing serializes flushes (the periodic one and the sink's before
	// a manifest).
	flushing sync.Mutex
	mu       sync.Mutex
	jobs     map[string]*jobCounts
}

type jobCounts struct {
	// delta is added since the last save; gauges are set values not yet
	// saved.
	delta, gauges Counters
	// saved is what the store holds at revision rev, once loaded.
	saved  Counters
	rev    uint64
	loaded bool
	dirty  bool
}

func NewRecorder(store *bus.Jobs, stage, replica string) *Recorder {
	return &Recorder{store: store, stage: stage, replica: replica, jobs: map[string]*jobCounts{}}
}

func (c *Recorder) job(id string) *jobCounts {
	jc := c.jobs[id]
	if jc == nil {
		jc = &jobCounts{delta: Counters{}, gauges: Counters{}}
		c.jobs[id] = jc
	}
	return jc
}

// Add counts n more of name.
func (c *Recorder) Add(job string, name Counter, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	jc := c.job(job)
	jc.delta[name] += n
	jc.dirty = true
}

// Set records the current total of name, read from a source of truth.
func (c *Recorder) Set(job string, name Counter, v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	jc := c.job(job)
	if jc.gauges[name] == v && jc.saved[name] == v {
		return
	}
	jc.gauges[name] = v
	jc.dirty = true
}

// Run flushes every interval until ctx ends, then flushes once more.
func (c *Recorder) Run(ctx context.Context, every time.Duration, log zerolog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			c.Flush(fctx, log)
			cancel()
			return
		case <-t.C:
			c.Flush(ctx, log)
		}
	}
}

// Flush saves the counts of every job that changed. One Flush at a time.
func (c *Recorder) Flush(ctx context.Context, log zerolog.Logger) {
	c.flushing.Lock()
	defer c.flushing.Unlock()
	c.mu.Lock()
	var ids []string
	for id, jc := range c.jobs {
		if jc.dirty {
			ids = append(ids, id)
		}
	}
	c.mu.Unlock()
	for _, id := range ids {
		if err := c.save(ctx, id); err != nil {
			log.Warn().Err(err).Str("job", id).Msg("counters not saved; will retry")
		}
	}
}

// save writes saved+delta (and the gauges) under the replica's key with
// compare-and-set, first reading what an earlier process of the same name
// stored.
func (c *Recorder) save(ctx context.Context, id string) error {
	key := bus.Key(id, "counts", c.stage, c.replica)
	c.mu.Lock()
	jc := c.jobs[id]
	loaded := jc.loaded
	c.mu.Unlock()
	if !loaded {
		var saved Counters
		rev, err := c.store.GetJSON(ctx, key, &saved)
		if errors.Is(err, bus.ErrNotFound) {
			saved, rev, err = Counters{}, 0, nil
		}
		if err != nil {
			return err
		}
		c.mu.Lock()
		jc.saved, jc.rev, jc.loaded = saved, rev, true
		c.mu.Unlock()
	}
	c.mu.Lock()
	total := maps.Clone(jc.saved)
	if total == nil {
		total = Counters{}
	}
	delta := jc.delta
	for k, v := range delta {
		total[k] += v
	}
	maps.Copy(total, jc.gauges)
	rev := jc.rev
	jc.delta, jc.dirty = Counters{}, false
	c.mu.Unlock()
	next, err := c.store.PutJSONAt(ctx, key, total, rev)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		// Keep what was not saved; on a conflict, read the stored totals
		// again before the next attempt.
		for k, v := range delta {
			jc.delta[k] += v
		}
		jc.dirty = true
		if errors.Is(err, bus.ErrRevision) {
			jc.loaded = false
		}
		return err
	}
	jc.saved, jc.rev = total, next
	for k, v := range jc.gauges {
		if total[k] == v {
			delete(jc.gauges, k)
		}
	}
	return nil
}

// gaugeStage reports whether a stage's counters are totals read from a
// source of truth (merged by maximum) rather than work done (summed).
func gaugeStage(stage string) bool { return stage == StageValidator }

// StageCounts gathers a job's figures by stage: the work counters of every
// replica summed, the validator's ledger figures (the highest any replica
// reported), and the sink's rows and parts counted from the part records.
// Once the job is sealed, the validator's figures are the sealed ones.
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
			if gaugeStage(stage) {
				out[stage][k] = max(out[stage][k], v)
			} else {
				out[stage][k] += v
			}
		}
	}
	job, err := store.Get(ctx, jobID)
	if errors.Is(err, bus.ErrJobNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	parts, err := store.Keys(ctx, bus.Key(jobID, "part", "*"))
	if err != nil {
		return nil, err
	}
	exactFigures(out, &job, parts)
	return out, nil
}

// exactFigures replaces the figures that have a source of truth: the
// sink's rows and parts from the part records (keys <job>.part.<seq>; part
// seq holds the records [seq*BatchRows, (seq+1)*BatchRows) up to the job's
// total), and, once the job is sealed, the validator's from the seal.
func exactFigures(out map[string]Counters, job *record.Job, partKeys []string) {
	if job.BatchRows > 0 {
		total := int64(job.Request.Samples)
		if job.Sealed {
			total = job.Accepted
		}
		var rows, parts int64
		for _, k := range partKeys {
			seq, err := strconv.ParseInt(k[strings.LastIndexByte(k, '.')+1:], 10, 64)
			if err != nil {
				continue
			}
			parts++
			rows += max(0, min(int64(job.BatchRows), total-seq*int64(job.BatchRows)))
		}
		if out[StageSink] == nil {
			out[StageSink] = Counters{}
		}
		out[StageSink][CounterRows], out[StageSink][CounterParts] = rows, parts
	}
	if job.Sealed {
		v := out[StageValidator]
		if v == nil {
			v = Counters{}
			out[StageValidator] = v
		}
		v[CounterAccepted] = job.Accepted
		v[CounterRegenerated] = int64(job.Regenerations)
		for k := range v {
			if _, ok := k.RejectedReason(); ok {
				delete(v, k)
			}
		}
		for r, n := range job.Rejections {
			v[CounterRejected(r)] = n
		}
	}
}

// stageOfKey extracts <stage> from <job>.counts.<stage>.<replica>.
func stageOfKey(key, jobID string) string {
	rest := strings.TrimPrefix(key, jobID+".counts.")
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		return rest[:i]
	}
	return rest
}
