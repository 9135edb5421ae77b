package generator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/plan"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Resumable intake. A job's tasks are published in chunks; after each the
// job records how many are stored (record.Intake). Any generator replica,
// at start and then every Config.IntakeResume, takes over a running job
// whose publishing has been still for IntakeResume and publishes the rest.
// Task ids are deterministic (TaskID) and are the messages' Nats-Msg-Id, so
// a chunk published twice within the stream's duplicate window is stored
// once; a task stored twice later only fills the same slots again, which
// the validator's ledger recognises.

// errCrashed is returned when Config.Fault stopped the intake.
var errCrashed = errors.New("intake stopped by a fault")

// errNotStale means another replica is publishing the job, or it is done.
var errNotStale = errors.New("job intake is not stalled")

// TaskID is the id of a job's i-th generator task.
func TaskID(jobID string, i int) string { return fmt.Sprintf("%s-task-%d", jobID, i) }

// publishTasks publishes the tasks of job from the first one not recorded
// as published, recording progress after each chunk.
func (in *intake) publishTasks(ctx context.Context, job record.Job) error {
	slots := plan.Slots(job.Quotas, job.Request.Split, job.Seed)
	tasks := plan.Tasks(job.ID, slots, job.Intake.TaskSize)
	chunk := max(in.cfg.IntakeChunk, 1)
	for from := job.Intake.Published; from < len(tasks); from += chunk {
		to := min(from+chunk, len(tasks))
		var out bus.Outbox
		for i := from; i < to; i++ {
			b, err := json.Marshal(tasks[i])
			if err != nil {
				return err
			}
			out.Add(bus.SubjectGenerate, pipeline.MsgID(&job, TaskID(job.ID, i)), b)
		}
		if err := in.cfg.Conn.PublishAll(ctx, &out); err != nil {
			return err
		}
		if err := in.recordPublished(ctx, job.ID, to); err != nil {
			return err
		}
		if in.cfg.Fault != nil {
			if err := in.cfg.Fault("intake.published"); err != nil {
				in.crash()
				return fmt.Errorf("%w: %w", errCrashed, err)
			}
		}
	}
	return nil
}

// recordPublished notes that the first n tasks of a job are stored.
func (in *intake) recordPublished(ctx context.Context, id string, n int) error {
	_, err := in.jobs.Update(ctx, id, func(j *record.Job) error {
		j.Intake.Published = max(j.Intake.Published, n)
		j.Intake.At = time.Now().UTC()
		return nil
	})
	return err
}

// resumeLoop finishes stalled intakes at start and every IntakeResume
// until ctx ends.
func (in *intake) resumeLoop(ctx context.Context) {
	t := time.NewTicker(in.cfg.IntakeResume)
	defer t.Stop()
	for {
		if err := in.resumeStalled(ctx); err != nil && ctx.Err() == nil {
			in.cfg.Log.Warn().Err(err).Msg("stalled intakes not resumed; trying again later")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// resumeStalled publishes the missing tasks of every running job whose
// intake has been still for IntakeResume.
func (in *intake) resumeStalled(ctx context.Context) error {
	states, err := in.jobs.List(ctx, "*.state")
	if err != nil {
		return err
	}
	for _, b := range states {
		var job record.Job
		if json.Unmarshal(b, &job) != nil || !in.stalled(job) {
			continue
		}
		claimed, err := in.jobs.Update(ctx, job.ID, func(j *record.Job) error {
			if !in.stalled(*j) {
				return errNotStale
			}
			j.Intake.At = time.Now().UTC()
			return nil
		})
		if errors.Is(err, errNotStale) {
			continue
		}
		if err != nil {
			return err
		}
		in.cfg.Log.Warn().Str("job", job.ID).Int("published", claimed.Intake.Published).Int("tasks", claimed.Intake.Tasks).
			Msg("resuming a job whose task publishing stopped: publishing the missing tasks")
		if err := in.publishTasks(ctx, claimed); err != nil {
			return fmt.Errorf("job %s: %w", job.ID, err)
		}
		in.cfg.Log.Info().Str("job", job.ID).Int("tasks", claimed.Intake.Tasks).Msg("job intake resumed: every task published")
	}
	return nil
}

// stalled reports whether job is running with tasks to publish and no
// publishing progress for IntakeResume.
func (in *intake) stalled(job record.Job) bool {
	return job.Status == record.StatusRunning && job.Intake.Pending() && time.Since(job.Intake.At) >= in.cfg.IntakeResume
}
