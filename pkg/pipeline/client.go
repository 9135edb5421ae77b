package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Submit sends a request to the intake and returns its reply. A refused
// request is returned as an error naming the fields.
func Submit(ctx context.Context, conn *bus.Conn, req []byte) (record.IntakeReply, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// A generator that is starting or restarting has no subscriber yet:
	// Request waits for one within the deadline.
	data, err := conn.Request(ctx, bus.SubjectRequests, req)
	if err != nil {
		return record.IntakeReply{}, fmt.Errorf("no intake answered on %s (is a generator running?): %w", bus.SubjectRequests, err)
	}
	var reply record.IntakeReply
	if err := json.Unmarshal(data, &reply); err != nil {
		return reply, fmt.Errorf("intake reply: %w", err)
	}
	if reply.Error != "" {
		return reply, fmt.Errorf("%s", reply.Error)
	}
	return reply, nil
}

// Progress is a job's state with the counters of every stage.
type Progress struct {
	Job    record.Job          `json:"job"`
	Stages map[string]Counters `json:"stages"`
}

// JobProgress reads a job's state and counters.
func JobProgress(ctx context.Context, jobs *bus.Jobs, id string) (Progress, error) {
	job, err := jobs.Get(ctx, id)
	if err != nil {
		return Progress{}, err
	}
	counts, err := StageCounts(ctx, jobs, id)
	if err != nil {
		return Progress{}, err
	}
	return Progress{Job: job, Stages: counts}, nil
}
