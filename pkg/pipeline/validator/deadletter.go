package validator

import (
	"context"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// deadLetter rejects the slots of a dead-lettered generator task or
// conversation; other dead letters are left in the dead-letter stream for
// operators. One that does not decode is left there too, logged and
// counted (Undecodable): its slots cannot be named.
func (g *gate) deadLetter(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
	stage := m.Header.Get(bus.HeaderStage)
	reason := m.Header.Get(bus.HeaderReason)
	convs, err := deadSlots(stage, m)
	if err != nil {
		g.met.Undecodable.WithLabelValues(pipeline.StageValidator, bus.StreamDead).Inc()
		g.cfg.Log.Error().Err(err).Str("stage", stage).Str("subject", m.Header.Get(bus.HeaderSubject)).Str("reason", reason).
			Msg("dead letter not decoded: its slots are not regenerated; it stays in the dead-letter stream")
		return nil
	}
	if len(convs) == 0 {
		return nil
	}
	info, err := g.cache.Get(ctx, convs[0].JobID)
	if err != nil {
		if bus.IsPermanent(err) {
			return nil
		}
		return err
	}
	reasons := make([][]string, len(convs))
	details := make([]string, len(convs))
	for i := range convs {
		if convs[i].Seed == 0 {
			convs[i].Seed = info.Job.Seed
		}
		reasons[i], details[i] = []string{ReasonDeadLetter}, stage+": "+reason
	}
	jl, err := g.ledgers.get(ctx, &info.Job)
	if err != nil {
		return err
	}
	es, err := jl.Decide(ctx, convs, reasons)
	if err != nil {
		return err
	}
	return g.follow(ctx, jl, info, convs, es, details, out)
}

// deadSlots returns the records of the slots a dead letter of stage
// leaves unresolved: none for a stage whose messages name no slots.
func deadSlots(stage string, m *bus.Msg) ([]record.Conversation, error) {
	switch stage {
	case pipeline.StageGenerator:
		var task record.Task
		if err := pipeline.Decode(m, &task); err != nil {
			return nil, err
		}
		convs := make([]record.Conversation, 0, len(task.Slots))
		for _, s := range task.Slots {
			convs = append(convs, record.Conversation{
				ConversationID: record.ConversationID(task.JobID, s.Index, s.Attempt), JobID: task.JobID,
				Slot: s.Index, Attempt: s.Attempt, Split: s.Split, RequestedIntent: s.Intent,
			})
		}
		return convs, nil
	case pipeline.StageClassifier:
		var b record.Batch
		if err := pipeline.Decode(m, &b); err != nil {
			return nil, err
		}
		return b.Conversations, nil
	default:
		return nil, nil
	}
}
