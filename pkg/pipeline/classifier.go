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
	h := func(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
		var c record.Conversation
		if err := decode(m, &c); err != nil {
			return err
		}
		info, err := cache.get(ctx, c.JobID)
		if err != nil {
			return err
		}
		// Content checks run on the text as generated: noise could hide
		// meta-talk or a placeholder from the gate's checks on the final text.
		c.CleanFindings, _ = info.checker.Check(&c)
		if classify.Label(info.engine, info.settings, &c) {
			cnt.add(c.JobID, "noise_flips_"+info.settings.FlipPolicy, 1)
		}
		out.Add(bus.SubjectValidate, c.ConversationID, mustJSON(&c))
		cnt.add(c.JobID, "labeled", 1)
		if len(c.NoiseTags) > 0 {
			cnt.add(c.JobID, "noised", 1)
		}
		return nil
	}
	return consume(ctx, &cfg, bus.ConsumerSpec{
		Stage: StageClassifier, Stream: bus.StreamClassify, Durable: StageClassifier,
		MaxAckPending: 64 * cfg.Concurrency,
	}, h)
}
