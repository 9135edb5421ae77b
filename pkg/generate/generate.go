// Package generate is the generator stage's logic: it fills a task's slots
// with conversations written by an LLM backend, each drawn with its own
// seed and diversity axes so that a slot's content depends only on the job
// seed, the slot and the attempt.
package generate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Job is what the generator needs to know about a task's job.
type Job struct {
	ID       string
	Seed     int64
	Request  *record.Request
	Taxonomy *taxonomy.Taxonomy
	Backend  llm.Backend
	// Model is the resolved model name (request or service default).
	Model string
	// PerCall is the number of conversations asked for per backend call.
	PerCall int
}

// Generator fills tasks. Safe for concurrent use.
type Generator struct {
	// Retries is how many times an unusable draft is asked for again,
	// within the same task, before the slot is reported as failed.
	Retries int
	// Now stamps created_at; time.Now when nil.
	Now func() time.Time
}

// Fill produces exactly one conversation per slot of task, in slot order.
// A slot whose drafts stayed unusable gets a conversation with
// GenerationError set and no turns. An error means the backend call itself
// failed (the task should be retried); nothing is returned then.
func (g *Generator) Fill(ctx context.Context, job Job, task record.Task) ([]record.Conversation, llm.Usage, error) {
	var usage llm.Usage
	out := make([]record.Conversation, len(task.Slots))
	pending := make([]int, len(task.Slots)) // indexes of slots still to fill
	for i := range pending {
		pending[i] = i
	}
	lastErr := make([]error, len(task.Slots))
	for try := 0; try <= g.Retries && len(pending) > 0; try++ {
		var next []int
		per := max(job.PerCall, 1)
		for start := 0; start < len(pending); start += per {
			group := pending[start:min(start+per, len(pending))]
			call, err := g.call(job, task, group, try)
			if err != nil {
				return nil, usage, err
			}
			res, err := job.Backend.Generate(ctx, call)
			usage.Add(res.Usage)
			if err != nil {
				return nil, usage, fmt.Errorf("llm %s: %w", job.Backend.Name(job.Model), err)
			}
			for k, i := range group {
				d := llm.Draft{Err: fmt.Errorf("backend returned %d drafts for %d requests", len(res.Drafts), len(group))}
				if k < len(res.Drafts) {
					d = res.Drafts[k]
				}
				if d.Err != nil {
					lastErr[i] = d.Err
					next = append(next, i)
					continue
				}
				out[i] = g.conversation(job, task.Slots[i], call.Specs[k], d.Turns)
				if res.PromptVersion != "" {
					out[i].PromptVersion = res.PromptVersion
				}
				out[i].NoiseTags = d.Tags
			}
		}
		pending = next
	}
	for _, i := range pending {
		c := g.conversation(job, task.Slots[i], g.spec(job, task.Slots[i], 0), nil)
		c.GenerationError = lastErr[i].Error()
		out[i] = c
	}
	return out, usage, nil
}

func (g *Generator) call(job Job, task record.Task, group []int, try int) (llm.Call, error) {
	call := llm.Call{
		Taxonomy:    job.Taxonomy,
		Model:       job.Model,
		Temperature: job.Request.LLM.Temperature,
		TopP:        job.Request.LLM.TopP,
		MaxTokens:   job.Request.LLM.MaxTokens,
	}
	for _, i := range group {
		spec := g.spec(job, task.Slots[i], try)
		if spec.Intent == nil {
			return call, fmt.Errorf("slot %d: intent %q is not in the job's taxonomy", task.Slots[i].Index, task.Slots[i].Intent)
		}
		call.Specs = append(call.Specs, spec)
	}
	return call, nil
}

// spec draws the slot's axes from its seed; try > 0 perturbs the seed so a
// retried draft differs.
func (g *Generator) spec(job Job, s record.Slot, try int) llm.Spec {
	seed := record.SlotSeed(job.Seed, s.Index, s.Attempt)
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(try)))
	in, _ := job.Taxonomy.Lookup(s.Intent)
	return llm.Spec{
		Intent:   in,
		Axes:     llm.DrawAxes(rng, job.Request.Turns.Min, job.Request.Turns.Max),
		MinTurns: job.Request.Turns.Min,
		MaxTurns: job.Request.Turns.Max,
		Seed:     int64(rng.Uint64() &^ (1 << 63)),
	}
}

func (g *Generator) conversation(job Job, s record.Slot, spec llm.Spec, turns []record.Turn) record.Conversation {
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	return record.Conversation{
		ConversationID:  record.ConversationID(job.ID, s.Index, s.Attempt),
		JobID:           job.ID,
		Slot:            s.Index,
		Attempt:         s.Attempt,
		Seed:            job.Seed,
		Split:           s.Split,
		RequestedIntent: s.Intent,
		Turns:           turns,
		Axes:            spec.Axes,
		Generator:       job.Backend.Name(job.Model),
		PromptVersion:   job.Backend.PromptVersion(),
		CreatedAt:       now().UTC(),
	}
}
