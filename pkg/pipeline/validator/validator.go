// Package validator is the validator stage's adapter, the quality gate:
// it checks each labeled record (pkg/quality, pkg/admission), optionally
// has an LLM judge score it, decides admission through the job's ledger
// (ledger.go) and sends accepted records to the sink, rejected ones to the
// job's rejected subject and regeneration tasks back to the generator.
package validator

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/synthdesk/synthdesk/pkg/admission"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/llm/judge"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// ReasonDeadLetter rejects the slots of a message an upstream stage
// dead-lettered, so they are regenerated (or given up) like any other.
const ReasonDeadLetter = "dead_letter"

// ReasonLowScore rejects a record the LLM judge scored under the job's
// quality.min_score.
const ReasonLowScore = "low_quality_score"

// validatorMaxRetryDelay bounds the delay before a batch that failed is
// delivered again (the delay doubles from the consumer's first one).
const validatorMaxRetryDelay = 5 * time.Second

// Config is the validator's settings.
type Config struct {
	// Judge optionally scores each record that passes the checks
	// (quality_score); nil means no judging.
	Judge *judge.Judge
}

// Name is the stage's name.
func (Config) Name() string { return pipeline.StageValidator }

// Validate has nothing to check: every judge setting is checked when the
// judge is built.
func (Config) Validate() error { return nil }

// settings is what the gate reads: the shared dependencies and its own.
type settings struct {
	pipeline.Deps
	Config
}

// gate is the validator stage: checks, label gate and admission.
type gate struct {
	cfg     *settings
	jobs    *bus.Jobs
	cache   *pipeline.JobCache
	ledgers *ledgers
	cnt     *pipeline.Recorder
	met     *telemetry.Metrics
}

// Run runs the quality gate until ctx ends. It also turns dead
// letters of the generator and the classifier into rejections of their
// slots, so a poisoned message never leaves a job short silently.
func (c Config) Run(ctx context.Context, d pipeline.Deps) error {
	cfg := settings{Deps: d, Config: c}
	jobs, err := cfg.Conn.Jobs()
	if err != nil {
		return err
	}
	g := &gate{cfg: &cfg, jobs: jobs, cache: pipeline.NewJobCache(jobs, cfg.Taxonomy), ledgers: newLedgers(cfg.Conn),
		cnt: pipeline.NewRecorder(jobs, pipeline.StageValidator, cfg.Replica), met: cfg.Metrics}
	go g.cnt.Run(ctx, 500*time.Millisecond, cfg.Log)
	go pipeline.WatchPending(ctx, &cfg.Deps, pipeline.StageValidator, bus.StreamValidate, pipeline.StageValidator)
	go func() { _ = g.cache.Watch(ctx) }()
	errc := make(chan error, 1)
	go func() {
		errc <- pipeline.Consume(ctx, &cfg.Deps, bus.ConsumerSpec{
			Stage: "validator-dead-letters", Stream: bus.StreamDead, Durable: "validator-dead-letters",
			Filter: bus.SubjectDead + ".*", Concurrency: 1,
		}, g.deadLetter)
	}()
	err = pipeline.Consume(ctx, &cfg.Deps, bus.ConsumerSpec{
		Stage: pipeline.StageValidator, Stream: bus.StreamValidate, Durable: pipeline.StageValidator,
		MaxAckPending: 4 * cfg.Concurrency,
		// No delivery limit: a batch whose decisions could not be completed
		// (the ledger or the bus failing for a while) is retried without
		// end, after the growing delay. A dead-lettered batch would leave
		// its slots unresolved, since only the generator's and the
		// classifier's dead letters are turned into rejections, and the job
		// would wait for slots no one decides.
		MaxDeliver: -1,
		// Its failures pass (a ledger append racing a restarted replica,
		// the bus back after a blip), and every record of the job waits on
		// each batch: retry within seconds, not the default half minute.
		NakMaxDelay: validatorMaxRetryDelay,
	}, g.handle)
	if derr := <-errc; err == nil {
		err = derr
	}
	return err
}

func (g *gate) handle(ctx context.Context, m *bus.Msg, _ *bus.Outbox) error {
	b := record.Batch{Conversations: make([]record.Conversation, 0, pipeline.DefaultTaskSize)}
	if err := pipeline.Decode(m, &b); err != nil {
		return err
	}
	info, err := g.cache.Get(ctx, b.JobID)
	if err != nil {
		return err
	}
	if g.cache.DropStopped(info) {
		return nil // cancelled or failed: no more decisions
	}
	reasons := make([][]string, len(b.Conversations))
	details := make([]string, len(b.Conversations))
	for i := range b.Conversations {
		c := &b.Conversations[i]
		reasons[i], details[i] = g.check(info, c)
		if len(reasons[i]) == 0 && g.cfg.Judge != nil {
			score, err := g.cfg.Judge.Score(ctx, c)
			if err != nil {
				return err // the judge is unreachable or confused: retry later
			}
			c.QualityScore = score
			if min := info.Job.Request.Quality.MinScore; score < min {
				reasons[i], details[i] = []string{ReasonLowScore}, fmt.Sprintf("judge %s scored %.1f, under %.1f", g.cfg.Judge.Name(), score, min)
			}
		}
	}
	jl, err := g.ledgers.get(ctx, &info.Job)
	if err != nil {
		return err
	}
	// The decisions come back from the ledger's group commit, so the
	// handler takes the next batch meanwhile. The message is settled once
	// what follows from them is stored: acked, or on an error redelivered
	// after the consumer's growing delay (never dead-lettered: the
	// consumer has no delivery limit).
	held := m.Hold()
	jl.Submit(ctx, b.Conversations, reasons, func(es []admission.Entry, err error) {
		go func() { held.Done(g.complete(ctx, jl, info, &b, es, details, err)) }()
	})
	return nil
}

// complete stores what the decisions of a batch imply, given the
// decisions or the ledger's error, and returns the outcome to settle the
// batch's message with.
func (g *gate) complete(ctx context.Context, jl *jobLedger, info *pipeline.JobInfo, b *record.Batch, es []admission.Entry, details []string, err error) error {
	var out bus.Outbox
	if err == nil {
		err = g.follow(ctx, jl, info, b.Conversations, es, details, &out)
	}
	if err == nil {
		err = g.cfg.Conn.PublishAll(ctx, &out)
	}
	if err != nil && ctx.Err() == nil { // not merely stopping
		g.cfg.Log.Warn().Err(err).Str("batch", b.ID()).Msg("decisions not completed; the batch will be redelivered")
	}
	return err
}

// check runs the record checks and the label gate and returns the reasons
// to reject it.
func (g *gate) check(info *pipeline.JobInfo, c *record.Conversation) ([]string, string) {
	var reasons []string
	var detail string
	switch {
	case c.GenerationError != "":
		detail = c.GenerationError
	case c.ContentChecked:
		// The classifier ran the content checks before noise; the form
		// checks belong on the final text.
		reasons, detail = info.Checker.CheckForm(c)
		reasons = mergeReasons(c.CleanFindings, reasons)
		detail = joinDetails(c.CleanDetail, detail)
	default:
		// Not content-checked upstream: every check on the final text.
		reasons, detail = info.Checker.Check(c)
		reasons = mergeReasons(c.CleanFindings, reasons)
	}
	return append(reasons, admission.LabelGate(c, &info.Job.Request, info.Tax)...), detail
}

// follow queues what the decisions of a batch imply: the accepted records
// for the sink, one message per Parquet part they fall in; the rejected
// records in one message; and one task regenerating the rejected slots.
// A redelivered batch gets the same decisions, hence the same messages
// under the same ids.
func (g *gate) follow(ctx context.Context, jl *jobLedger, info *pipeline.JobInfo, convs []record.Conversation, es []admission.Entry, details []string, out *bus.Outbox) error {
	job := &info.Job
	if err := jl.storeSeal(ctx, g.jobs, job.ID); err != nil {
		return err
	}
	var (
		accepted []record.Accepted
		rejected []record.Rejected
		regen    = record.Task{JobID: job.ID, Regen: true}
		regenID  string
	)
	for i, e := range es {
		c := &convs[i]
		switch e.Kind {
		case admission.KindAccept:
			accepted = append(accepted, record.Accepted{Index: e.Index, Conversation: *c})
			g.met.Decisions.WithLabelValues("accepted").Inc()
		case admission.KindReject, admission.KindAbandon:
			detail := details[i]
			if detail == "" {
				detail = fmt.Sprint(e.Reasons)
			}
			rejected = append(rejected, record.Rejected{Reasons: e.Reasons, Detail: detail, Conversation: *c})
			for _, r := range e.Reasons {
				g.met.Rejections.WithLabelValues(r).Inc()
			}
			if e.Kind == admission.KindAbandon {
				g.met.Decisions.WithLabelValues("abandoned").Inc()
				break
			}
			g.met.Decisions.WithLabelValues("rejected").Inc()
			if regenID == "" {
				regenID = "regen-" + c.ConversationID
			}
			regen.Slots = append(regen.Slots, record.Slot{Index: c.Slot, Intent: e.Target, Split: c.Split, Attempt: c.Attempt + 1})
		}
	}
	slices.SortFunc(accepted, func(a, b record.Accepted) int { return cmp.Compare(a.Index, b.Index) })
	for len(accepted) > 0 {
		part := accepted[0].Index / int64(job.BatchRows)
		n := 1
		for n < len(accepted) && accepted[n].Index/int64(job.BatchRows) == part {
			n++
		}
		out.Add(bus.AcceptedSubject(partitionOf(job, accepted[0].Index)), pipeline.MsgID(job, accepted[0].Conversation.ConversationID), pipeline.PackJSON(accepted[:n]))
		accepted = accepted[n:]
	}
	// The validator's counters are the ledger's totals, not counts of
	// decisions handled here: a redelivered batch, or a replica that
	// restarted, cannot skew them.
	if f := jl.figures.Load(); f != nil {
		for k, v := range *f {
			g.cnt.Set(job.ID, k, v)
		}
	}
	if len(rejected) > 0 {
		out.Add(bus.RejectedSubject(job.ID), pipeline.MsgID(job, rejected[0].Conversation.ConversationID), pipeline.PackJSON(rejected))
	}
	if len(regen.Slots) > 0 {
		out.Add(bus.SubjectGenerate, pipeline.MsgID(job, regenID), pipeline.MustJSON(&regen))
	}
	return nil
}

// partitionOf is the sink partition of an accepted index: all records of
// a Parquet part go to the same partition, hence to one sink writer.
func partitionOf(job *record.Job, index int64) int {
	return int((index / int64(job.BatchRows)) % int64(job.Partitions))
}

// joinDetails joins the non-empty details with "; ".
func joinDetails(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
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
