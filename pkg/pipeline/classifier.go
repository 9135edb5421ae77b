package pipeline

import (
	"context"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/classify"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// RunClassifier labels conversations and adds noise until ctx ends.
func RunClassifier(ctx context.Context, cfg Config) error {
	cfg.Defaults()
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	cache := newJobCache(jobs, cfg.Taxonomy)
	cnt := newCounters(jobs, StageClassifier, cfg.Replica)
	go cnt.run(ctx, 500*time.Millisecond, cfg.Log)
	go watchPending(ctx, &cfg, StageClassifier, bus.StreamClassify, StageClassifier)
	go func() { _ = cache.watch(ctx) }()
	h := func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
		// Sized for a whole task: the decoder fills it without regrowing.
		b := record.Batch{Conversations: make([]record.Conversation, 0, cfg.TaskSize)}
		if err := decode(m, &b); err != nil {
			return err
		}
		info, err := cache.get(ctx, b.JobID)
		if err != nil {
			return err
		}
		if cache.dropStopped(info) {
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
			c.CleanFindings, c.CleanDetail = info.checker.CheckContent(c)
			c.ContentChecked = true
			written := len(c.NoiseTags) // tags of the generator
			if classify.Label(info.engine, info.settings, c) {
				flips++
			}
			labeled++
			if len(c.NoiseTags) > written {
				noised++
			}
		}
		out.Add(bus.SubjectValidate, msgID(&info.job, b.ID()), packJSON(&b))
		cnt.add(b.JobID, "labeled", labeled)
		cnt.add(b.JobID, "noised", noised)
		if flips > 0 {
			cnt.add(b.JobID, "noise_flips_"+info.settings.FlipPolicy, flips)
		}
		return nil
	}
	return consume(ctx, &cfg, bus.ConsumerSpec{
		Stage: StageClassifier, Stream: bus.StreamClassify, Durable: StageClassifier,
		MaxAckPending: 4 * cfg.Concurrency,
	}, h)
}
