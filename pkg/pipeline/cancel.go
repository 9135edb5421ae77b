package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// CancelRequest asks to cancel a job; it is sent to bus.SubjectCancel.
type CancelRequest struct {
	JobID string `json:"job_id"`
}

// CancelReply answers a CancelRequest with the job's status after it: a
// running job is now being cancelled (Stop set), a job that had ended
// keeps its status. Error is set when nothing was done.
type CancelReply struct {
	JobID  string `json:"job_id,omitempty"`
	Status string `json:"status,omitempty"`
	// Stopping is true when the job is running and its stages are
	// stopping; a sink then finishes it as cancelled.
	Stopping bool   `json:"stopping,omitempty"`
	Error    string `json:"error,omitempty"`
}

// ServeCancel answers cancel requests (queue group "cancel", served by
// the generator replicas alongside the intake) until ctx ends.
func ServeCancel(ctx context.Context, cfg *Deps, jobs *bus.Jobs) error {
	return cfg.Conn.Serve(ctx, bus.SubjectCancel, "cancel", func(ctx context.Context, data []byte) []byte {
		reply := cancelJob(ctx, jobs, data)
		if reply.Error == "" {
			cfg.Log.Info().Str("job", reply.JobID).Str("status", reply.Status).Msg("job cancel requested")
			if reply.Stopping {
				cfg.Metrics.JobsStopped.WithLabelValues(record.StatusCancelled, "").Inc()
			}
		}
		b, _ := json.Marshal(reply)
		return b
	}, bus.ServeLog(cfg.Log))
}

func cancelJob(ctx context.Context, jobs *bus.Jobs, data []byte) CancelReply {
	var req CancelRequest
	if err := json.Unmarshal(data, &req); err != nil || req.JobID == "" {
		return CancelReply{Error: `cancel request: want {"job_id": "<id>"}`}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	job, err := StopJob(ctx, jobs, req.JobID, record.Stop{Status: record.StatusCancelled, Reason: "cancelled by request"})
	if err != nil {
		return CancelReply{JobID: req.JobID, Error: err.Error()}
	}
	return CancelReply{JobID: job.ID, Status: job.Status, Stopping: job.Status == record.StatusRunning}
}

// Cancel asks the cluster to cancel a job and returns the reply.
func Cancel(ctx context.Context, conn *bus.Conn, jobID string) (CancelReply, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	body, _ := json.Marshal(CancelRequest{JobID: jobID})
	data, err := conn.Request(ctx, bus.SubjectCancel, body)
	if err != nil {
		return CancelReply{}, fmt.Errorf("no generator answered on %s (is one running?): %w", bus.SubjectCancel, err)
	}
	var reply CancelReply
	if err := json.Unmarshal(data, &reply); err != nil {
		return reply, fmt.Errorf("cancel reply: %w", err)
	}
	if reply.Error != "" {
		return reply, errors.New(reply.Error)
	}
	return reply, nil
}
