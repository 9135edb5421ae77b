package pipeline

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/synthdesk/synthdesk/pkg/admission"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// ReasonDeadLetter rejects the slots of a message an upstream stage
// dead-lettered, so they are regenerated (or given up) like any other.
const ReasonDeadLetter = "dead_letter"

// ReasonLowScore rejects a record the LLM judge scored under the job's
// quality.min_score.
const ReasonLowScore = "low_quality_score"

// gate is the validator stage: checks, label gate and admission.
type gate struct {
	cfg     *Config
	jobs    *bus.Jobs
	cache   *jobCache
	ledgers *ledgers
	cnt     *counters
	met     *telemetry.Metrics
}

// RunValidator runs the quality gate until ctx ends. It also turns dead
// letters of the generator and the classifier into rejections of their
// slots, so a poisoned message never leaves a job short silently.
func RunValidator(ctx context.Context, cfg Config) error {
	cfg.Defaults()
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	g := &gate{cfg: &cfg, jobs: jobs, cache: newJobCache(jobs, cfg.Taxonomy), ledgers: newLedgers(cfg.Conn),
		cnt: newCounters(jobs, StageValidator, cfg.Replica), met: cfg.Metrics}
	go g.cnt.run(ctx, 500*time.Millisecond, cfg.Log)
	go watchPending(ctx, &cfg, StageValidator, bus.StreamValidate, StageValidator)
	errc := make(chan error, 1)
	go func() {
		errc <- consume(ctx, &cfg, bus.ConsumerSpec{
			Stage: "validator-dead-letters", Stream: bus.StreamDead, Durable: "validator-dead-letters",
			Filter: bus.SubjectDead + ".*", Concurrency: 1,
		}, g.deadLetter)
	}()
	err = consume(ctx, &cfg, bus.ConsumerSpec{
		Stage: StageValidator, Stream: bus.StreamValidate, Durable: StageValidator,
		MaxAckPending: 64 * cfg.Concurrency,
		// Records are settled after the ledger's group commit, outside the
		// handler: a delivery limit would drop a record silently instead of
		// dead-lettering it, so failed settlements are retried without end.
		MaxDeliver: -1,
	}, g.handle)
	if derr := <-errc; err == nil {
		err = derr
	}
	return err
}

func (g *gate) handle(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
	var c record.Conversation
	if err := decode(m, &c); err != nil {
		return err
	}
	info, err := g.cache.get(ctx, c.JobID)
	if err != nil {
		return err
	}
	reasons, detail := g.check(info, &c)
	if len(reasons) == 0 && g.cfg.Judge != nil {
		score, err := g.cfg.Judge.Score(ctx, &c)
		if err != nil {
			return err // the judge is unreachable or confused: retry later
		}
		c.QualityScore = score
		if min := info.job.Request.Quality.MinScore; score < min {
			reasons, detail = []string{ReasonLowScore}, fmt.Sprintf("judge %s scored %.1f, under %.1f", g.cfg.Judge.Name(), score, min)
		}
	}
	jl, err := g.ledgers.get(ctx, &info.job)
	if err != nil {
		return err
	}
	// The decision comes back from the ledger's group commit; the message
	// is acked once what follows from it is stored, and naked if anything
	// fails, so the handler can take the next record meanwhile.
	held := m.Hold()
	jl.submit(ctx, &c, reasons, func(e admission.Entry, err error) {
		go func() {
			var out bus.Outbox
			if err == nil {
				err = g.follow(ctx, jl, info, &c, e, detail, &out)
			}
			if err == nil {
				err = g.cfg.Conn.PublishAll(ctx, &out)
			}
			if err != nil {
				g.cfg.Log.Warn().Err(err).Str("id", c.ConversationID).Msg("decision not completed; the record will be redelivered")
				_ = held.Nak(time.Second)
				return
			}
			_ = held.Ack()
		}()
	})
	return nil
}

// check runs the record checks and the label gate and returns the reasons
// to reject it.
func (g *gate) check(info *jobInfo, c *record.Conversation) ([]string, string) {
	var reasons []string
	var detail string
	if c.GenerationError == "" {
		reasons, detail = info.checker.Check(c)
		reasons = mergeReasons(c.CleanFindings, reasons)
	} else {
		detail = c.GenerationError
	}
	return append(reasons, admission.LabelGate(c, &info.job.Request, info.tax)...), detail
}

// admit takes the ledger decision for c and queues what follows from it.
func (g *gate) admit(ctx context.Context, info *jobInfo, c *record.Conversation, reasons []string, detail string, out *bus.Outbox) error {
	jl, err := g.ledgers.get(ctx, &info.job)
	if err != nil {
		return err
	}
	e, err := jl.decide(ctx, c, reasons)
	if err != nil {
		return err
	}
	return g.follow(ctx, jl, info, c, e, detail, out)
}

// follow queues what a decision implies: the accepted record for the sink,
// or the rejected record and the slot's regeneration.
func (g *gate) follow(ctx context.Context, jl *jobLedger, info *jobInfo, c *record.Conversation, e admission.Entry, detail string, out *bus.Outbox) error {
	if err := jl.storeSeal(ctx, g.jobs, c.JobID); err != nil {
		return err
	}
	job := &info.job
	switch e.Kind {
	case admission.KindAccept:
		a := record.Accepted{Index: e.Index, Conversation: *c}
		out.Add(bus.AcceptedSubject(partitionOf(job, e.Index)), c.ConversationID, mustJSON(&a))
		g.cnt.add(c.JobID, "accepted", 1)
	case admission.KindReject, admission.KindAbandon:
		if detail == "" {
			detail = fmt.Sprint(e.Reasons)
		}
		out.Add(bus.RejectedSubject(c.JobID), c.ConversationID, mustJSON(&record.Rejected{Reasons: e.Reasons, Detail: detail, Conversation: *c}))
		for _, r := range e.Reasons {
			g.cnt.add(c.JobID, "rejected_"+r, 1)
			g.met.Rejections.WithLabelValues(r).Inc()
		}
		if e.Kind == admission.KindAbandon {
			g.cnt.add(c.JobID, "abandoned", 1)
			break
		}
		task := record.Task{JobID: c.JobID, Regen: true, Slots: []record.Slot{{
			Index: c.Slot, Intent: e.Target, Split: c.Split, Attempt: c.Attempt + 1,
		}}}
		out.Add(bus.SubjectGenerate, "regen-"+c.ConversationID, mustJSON(&task))
		g.cnt.add(c.JobID, "regenerated", 1)
	}
	return nil
}

// partitionOf is the sink partition of an accepted index: all records of
// a Parquet part go to the same partition, hence to one sink writer.
func partitionOf(job *record.Job, index int64) int {
	return int((index / int64(job.BatchRows)) % int64(job.Partitions))
}

// deadLetter rejects the slots of a dead-lettered generator task or
// conversation; other dead letters are left in the dead-letter stream for
// operators.
func (g *gate) deadLetter(ctx context.Context, m *bus.Msg, out *bus.Outbox) error {
	stage := m.Header.Get(bus.HeaderStage)
	reason := m.Header.Get(bus.HeaderReason)
	var convs []record.Conversation
	switch stage {
	case StageGenerator:
		var task record.Task
		if err := decode(m, &task); err != nil {
			return nil
		}
		for _, s := range task.Slots {
			convs = append(convs, record.Conversation{
				ConversationID: record.ConversationID(task.JobID, s.Index, s.Attempt), JobID: task.JobID,
				Slot: s.Index, Attempt: s.Attempt, Split: s.Split, RequestedIntent: s.Intent,
			})
		}
	case StageClassifier:
		var c record.Conversation
		if err := decode(m, &c); err != nil {
			return nil
		}
		convs = append(convs, c)
	default:
		return nil
	}
	for i := range convs {
		c := &convs[i]
		info, err := g.cache.get(ctx, c.JobID)
		if err != nil {
			if bus.IsPermanent(err) {
				return nil
			}
			return err
		}
		if c.Seed == 0 {
			c.Seed = info.job.Seed
		}
		if err := g.admit(ctx, info, c, []string{ReasonDeadLetter}, stage+": "+reason, out); err != nil {
			return err
		}
	}
	return nil
}

// mergeReasons joins two reason lists without repeats, first ones first.
func mergeReasons(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, r := range b {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
