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
	cache := NewJobCache(jobs, cfg.Taxonomy)
	cnt := NewRecorder(jobs, StageClassifier, cfg.Replica)
	go cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	go WatchPending(ctx, &cfg, StageClassifier, bus.StreamClassify, StageClassifier)
	go func() { _ = cache.Watch(ctx) }()
	h := func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
		// Sized for a whole task: the decoder fills it without regrowing.
		b := record.Batch{Conversations: make([]record.Conversation, 0, cfg.TaskSize)}
		if err := Decode(m, &b); err != nil {
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
		out.Add(bus.SubjectValidate, MsgID(&info.Job, b.ID()), PackJSON(&b))
		cnt.Add(b.JobID, "labeled", labeled)
		cnt.Add(b.JobID, "noised", noised)
		if flips > 0 {
			cnt.Add(b.JobID, "noise_flips_"+info.Settings.FlipPolicy, flips)
		}
		return nil
	}
	return Consume(ctx, &cfg, bus.ConsumerSpec{
		Stage: StageClassifier, Stream: bus.StreamClassify, Durable: StageClassifier,
		MaxAckPending: 4 * cfg.Concurrency,
	}, h)
}
