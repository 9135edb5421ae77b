package pipeline

import (
	"context"
	"errors"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/generate"
	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// RunGenerator serves the request subject and fills generator tasks until
// ctx ends.
func RunGenerator(ctx context.Context, cfg Config) error {
	cfg.Defaults()
	if cfg.LLM == nil {
		return errors.New("generator: no LLM backends configured")
	}
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	cache := NewJobCache(jobs, cfg.Taxonomy)
	cnt := NewRecorder(jobs, StageGenerator, cfg.Replica)
	go cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	go WatchPending(ctx, &cfg, StageGenerator, bus.StreamGenerate, StageGenerator)
	go func() { _ = cache.Watch(ctx) }()
	ctx, crash := context.WithCancel(ctx)
	defer crash()
	in := &intake{cfg: &cfg, jobs: jobs, crash: crash}
	go func() {
		if err := ServeCancel(ctx, &cfg, jobs); err != nil {
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
		if err := Decode(m, &task); err != nil {
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
			cnt.Add(task.JobID, CounterCost, price.Nanos(usage))
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
				cnt.Add(task.JobID, "generation_failed", 1)
			}
		}
		if len(convs) > 0 {
			b := record.Batch{JobID: task.JobID, Conversations: convs}
			out.Add(bus.SubjectClassify, MsgID(&info.Job, b.ID()), PackJSON(&b))
		}
		cnt.Add(task.JobID, "generated", int64(len(convs)))
		return nil
	}
	return Consume(ctx, &cfg, bus.ConsumerSpec{
		Stage: StageGenerator, Stream: bus.StreamGenerate, Durable: StageGenerator,
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

// CounterCost is the generator counter of a job's cost in billionths of
// the currency its prices are in; present only when a price is known.
const CounterCost = "cost_nanos"

func countUsage(cnt *Recorder, job string, u llm.Usage) {
	cnt.Add(job, "llm_calls", int64(u.Calls))
	cnt.Add(job, "llm_retries", int64(u.Retries))
	cnt.Add(job, "prompt_tokens", int64(u.PromptTokens))
	cnt.Add(job, "completion_tokens", int64(u.CompletionTokens))
	cnt.Add(job, "llm_millis", int64(u.Seconds*1000))
	if u.Estimated {
		cnt.Add(job, "tokens_estimated", 1)
	}
	for kind, n := range u.Errors {
		cnt.Add(job, "llm_error_"+string(kind), int64(n))
	}
}
