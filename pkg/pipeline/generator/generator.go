// Package generator is the generator stage's adapter. It serves the
// request subject (intake.go: request -> job and tasks, resume.go: tasks
// published in chunks and taken over when a replica stalls) and the cancel
// subject, and fills each task with conversations from the job's LLM
// (llmset.go picks the backend) through pkg/generate, holding back while
// the sink's backlog is full (backlog.go).
package generator

import (
	"context"
	"errors"
	"fmt"

	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/generate"
	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// Config is the generator's settings.
type Config struct {
	// LLM is the set of backends requests may name.
	LLM *LLMSet
	// MaxSamples is the largest request accepted.
	MaxSamples int
	// TaskSize is the number of slots per generator task.
	TaskSize int
	// IntakeChunk is the number of tasks published between two records of
	// intake progress; IntakeResume is how long a running job's publishing
	// may stand still before a replica takes it over, and how often
	// replicas look.
	IntakeChunk  int
	IntakeResume time.Duration
	// Layout is fixed on every job started here; the sink must use the same.
	pipeline.Layout
	// Outputs confines the outputs requests may name; the zero policy
	// allows any.
	Outputs location.Policy
	// Fault, when set, is called at named points ("intake.published"); a
	// non-nil error makes the intake stop at once, as if the process had
	// been killed. Used by crash tests.
	Fault func(point string) error
}

// Name is the stage's name.
func (Config) Name() string { return pipeline.StageGenerator }

// SetDefaults fills zero fields.
func (c *Config) SetDefaults() {
	if c.MaxSamples == 0 {
		c.MaxSamples = pipeline.DefaultMaxSamples
	}
	if c.TaskSize == 0 {
		c.TaskSize = pipeline.DefaultTaskSize
	}
	if c.IntakeChunk == 0 {
		c.IntakeChunk = pipeline.DefaultIntakeChunk
	}
	if c.IntakeResume == 0 {
		c.IntakeResume = pipeline.DefaultIntakeResume
	}
	c.Layout.SetDefaults()
}

// Validate reports every problem at once, defaults applied.
func (c Config) Validate() error {
	c.SetDefaults()
	var errs []error
	if c.LLM == nil {
		errs = append(errs, errors.New("generator: no LLM backends configured"))
	}
	if c.TaskSize < 1 {
		errs = append(errs, fmt.Errorf("task size must be at least 1, got %d", c.TaskSize))
	}
	errs = append(errs, c.Layout.Validate(), c.Outputs.Validate())
	return errors.Join(errs...)
}

// settings is what the generator reads: the shared dependencies and its
// own.
type settings struct {
	pipeline.Deps
	Config
}

// Run serves the request and cancel subjects and fills generator tasks
// until ctx ends.
func (c Config) Run(ctx context.Context, d pipeline.Deps) error {
	c.SetDefaults()
	cfg := settings{Deps: d, Config: c}
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	cache := pipeline.NewJobCache(jobs, cfg.Taxonomy)
	cnt := pipeline.NewRecorder(jobs, pipeline.StageGenerator, cfg.Replica)
	go cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	go pipeline.WatchPending(ctx, &cfg.Deps, pipeline.StageGenerator, bus.StreamGenerate, pipeline.StageGenerator)
	go func() { _ = cache.Watch(ctx) }()
	ctx, crash := context.WithCancel(ctx)
	defer crash()
	in := &intake{cfg: &cfg, jobs: jobs, crash: crash}
	go func() {
		if err := pipeline.ServeCancel(ctx, &cfg.Deps, jobs); err != nil {
			cfg.Log.Error().Err(err).Msg("cancel subject not served")
		}
	}()
	go func() {
		if err := serveIntake(ctx, in); err != nil {
			cfg.Log.Error().Err(err).Msg("intake stopped")
		}
	}()
	go in.resumeLoop(ctx)
	gen := &generate.Generator{Retries: 2}
	ahead := &backlog{conn: cfg.Conn, limit: max(maxBacklog/int64(cfg.TaskSize), 16)}
	go ahead.watch(ctx)
	h := func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
		var task record.Task
		if err := pipeline.Decode(m, &task); err != nil {
			return err
		}
		if err := ahead.wait(ctx); err != nil {
			return err
		}
		info, err := cache.Get(ctx, task.JobID)
		if err != nil {
			return err
		}
		if cache.DropStopped(info) {
			return nil // cancelled or failed: drop without work
		}
		backend, model, perCall, err := cfg.LLM.Resolve(info.Job.Request.LLM)
		if err != nil {
			return bus.Permanent(err)
		}
		job := generate.Job{
			ID: task.JobID, Seed: info.Job.Seed, Request: &info.Job.Request, Taxonomy: info.Tax,
			Backend: backend, Model: model, PerCall: perCall,
		}
		convs, usage, err := gen.Fill(ctx, job, task)
		countUsage(cnt, task.JobID, usage)
		if price, ok := cfg.LLM.Price(info.Job.Request.LLM, model); ok {
			cnt.Add(task.JobID, pipeline.CounterCost, price.Nanos(usage))
		}
		if err != nil {
			if llm.KindOf(err) != "" && !llm.IsRetryable(err) {
				return bus.Permanent(err)
			}
			return err
		}
		// One message carries the task's conversations; those the backend
		// could not produce travel with them, marked, and the gate counts
		// them.
		for i := range convs {
			if convs[i].GenerationError != "" {
				cnt.Add(task.JobID, pipeline.CounterGenerationFailed, 1)
			}
		}
		if len(convs) > 0 {
			b := record.Batch{JobID: task.JobID, Conversations: convs}
			out.Add(bus.SubjectClassify, pipeline.MsgID(&info.Job, b.ID()), pipeline.PackJSON(&b))
		}
		cnt.Add(task.JobID, pipeline.CounterGenerated, int64(len(convs)))
		return nil
	}
	return pipeline.Consume(ctx, &cfg.Deps, bus.ConsumerSpec{
		Stage: pipeline.StageGenerator, Stream: bus.StreamGenerate, Durable: pipeline.StageGenerator,
		MaxAckPending: 4 * cfg.Concurrency,
		// A task can take minutes with a slow model: the runtime keeps the
		// running ones alive, and the few pulled ahead do not wait long.
		Buffer: cfg.Concurrency,
	}, h)
}

// maxBacklog is about how many generated records may wait for the
// classifier before the generator pauses; the bus counts messages, each
// the records of one task.
const maxBacklog = 3000

func countUsage(cnt *pipeline.Recorder, job string, u llm.Usage) {
	cnt.Add(job, pipeline.CounterLLMCalls, int64(u.Calls))
	cnt.Add(job, pipeline.CounterLLMRetries, int64(u.Retries))
	cnt.Add(job, pipeline.CounterPromptTokens, int64(u.PromptTokens))
	cnt.Add(job, pipeline.CounterCompletionTokens, int64(u.CompletionTokens))
	cnt.Add(job, pipeline.CounterLLMMillis, int64(u.Seconds*1000))
	if u.Estimated {
		cnt.Add(job, pipeline.CounterTokensEstimated, 1)
	}
	for kind, n := range u.Errors {
		cnt.Add(job, pipeline.CounterLLMError(string(kind)), int64(n))
	}
}
