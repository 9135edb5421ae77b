// Package classifier is the classifier stage's adapter: it labels each
// generated conversation with the job's rules (pkg/classify) and adds its
// seeded noise, then passes the batch on to the validator.
package classifier

import (
	"context"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/classify"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Config is the classifier's settings: it has none of its own.
type Config struct{}

// Name is the stage's name.
func (Config) Name() string { return pipeline.StageClassifier }

// Validate has nothing to check.
func (Config) Validate() error { return nil }

// Run labels conversations and adds noise until ctx ends.
func (Config) Run(ctx context.Context, cfg pipeline.Deps) error {
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	cache := pipeline.NewJobCache(jobs, cfg.Taxonomy)
	cnt := pipeline.NewRecorder(jobs, pipeline.StageClassifier, cfg.Replica)
	go cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	go pipeline.WatchPending(ctx, &cfg, pipeline.StageClassifier, bus.StreamClassify, pipeline.StageClassifier)
	go func() { _ = cache.Watch(ctx) }()
	h := func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
		// Sized for a whole task: the decoder fills it without regrowing.
		b := record.Batch{Conversations: make([]record.Conversation, 0, pipeline.DefaultTaskSize)}
		if err := pipeline.Decode(m, &b); err != nil {
			return err
		}
		info, err := cache.Get(ctx, b.JobID)
		if err != nil {
			return err
		}
		if cache.DropStopped(info) {
			return nil // cancelled or failed: drop without work
		}
		var labeled, noised, flips int64
		for i := range b.Conversations {
			c := &b.Conversations[i]
			if c.GenerationError != "" {
				continue // nothing to classify; the gate counts it
			}
			// Content checks run on the text as generated: noise could hide
			// meta-talk or a placeholder from checks on the final text.
			c.CleanFindings, c.CleanDetail = info.Checker.CheckContent(c)
			c.ContentChecked = true
			written := len(c.NoiseTags) // tags of the generator
			if classify.Label(info.Engine, info.Settings, c) {
				flips++
			}
			labeled++
			if len(c.NoiseTags) > written {
				noised++
			}
		}
		out.Add(bus.SubjectValidate, pipeline.MsgID(&info.Job, b.ID()), pipeline.PackJSON(&b))
		cnt.Add(b.JobID, pipeline.CounterLabeled, labeled)
		cnt.Add(b.JobID, pipeline.CounterNoised, noised)
		if flips > 0 {
			cnt.Add(b.JobID, pipeline.CounterNoiseFlips(info.Settings.FlipPolicy), flips)
		}
		return nil
	}
	return pipeline.Consume(ctx, &cfg, bus.ConsumerSpec{
		Stage: pipeline.StageClassifier, Stream: bus.StreamClassify, Durable: pipeline.StageClassifier,
		MaxAckPending: 4 * cfg.Concurrency,
	}, h)
}
