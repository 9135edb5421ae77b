package generator

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"reflect"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/noise"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/plan"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// intake turns generation requests into jobs: it validates the request,
// stores the job and publishes the generator tasks that cover its slots,
// recording in the job how far publishing got (see resume.go).
type intake struct {
	cfg  *settings
	jobs *bus.Jobs
	// crash stops the generator at once, as a killed process would stop;
	// called when cfg.Fault says so.
	crash func()
}

// serveIntake answers requests on the request subject (queue group
// "intake", so any number of generator replicas share them) until ctx ends.
func serveIntake(ctx context.Context, in *intake) error {
	return in.cfg.Conn.Serve(ctx, bus.SubjectRequests, "intake", func(ctx context.Context, data []byte) []byte {
		reply := in.start(ctx, data)
		if errors.Is(ctx.Err(), context.Canceled) && reply.JobID == "" && reply.Error == "" {
			return nil // crashed or stopping mid-publish: no answer, as from a dead process
		}
		b, _ := json.Marshal(reply)
		return b
	}, bus.ServeLog(in.cfg.Log))
}

// start validates data and starts its job; the reply carries the job or
// the reasons it was refused. A request repeated with the job id of a
// stored job gets the reply of the first one, and the tasks still missing
// are published.
func (in *intake) start(ctx context.Context, data []byte) record.IntakeReply {
	planned, err := in.prepare(data)
	if err != nil {
		in.cfg.Log.Info().Err(err).Msg("request refused")
		return record.IntakeReply{Error: err.Error()}
	}
	job := planned.Job
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := in.jobs.Create(ctx, job); errors.Is(err, bus.ErrJobExists) {
		prev, gerr := in.jobs.Get(ctx, job.ID)
		if gerr != nil {
			return record.IntakeReply{Error: gerr.Error()}
		}
		if !sameRequest(prev.Request, job.Request, planned.seedPicked) {
			return record.IntakeReply{Error: fmt.Sprintf("%v: job_id: %s already exists with a different request", record.ErrInvalidRequest, job.ID)}
		}
		// The same request again: continue the job. One that ended from
		// its seal, or is sealed and finishing, is answered as it is; a
		// cancelled or stopped one is reopened and its tasks republished
		// (see reopen).
		if job, err = pipeline.Reopen(ctx, in.jobs, prev, in.cfg.Log); err != nil {
			return record.IntakeReply{Error: err.Error()}
		}
		if reopened := job.Epoch > prev.Epoch; !reopened && (record.Terminal(job.Status) || job.Sealed) {
			return record.IntakeReply{JobID: job.ID, Samples: job.Request.Samples, Seed: job.Seed, Quotas: job.Quotas}
		}
	} else if err != nil {
		return record.IntakeReply{Error: err.Error()}
	}
	if job.Status == record.StatusRunning && job.Intake.Pending() {
		if err := in.publishTasks(ctx, job); errors.Is(err, errCrashed) {
			return record.IntakeReply{}
		} else if err != nil {
			return record.IntakeReply{Error: fmt.Sprintf("job %s stored but its tasks are not all published (%v); a generator finishes them, or send the same request again", job.ID, err)}
		}
	}
	in.cfg.Log.Info().Str("job", job.ID).Int("samples", job.Request.Samples).Int64("seed", job.Seed).Msg("job started")
	return record.IntakeReply{JobID: job.ID, Samples: job.Request.Samples, Seed: job.Seed, Quotas: job.Quotas}
}

// plannedJob is a new job and whether its seed was picked by the intake.
type plannedJob struct {
	record.Job
	seedPicked bool
}

// sameRequest reports whether a repeated request asks for the same job; a
// seed the intake picked is not part of what the user asked.
func sameRequest(stored, again record.Request, seedPicked bool) bool {
	if seedPicked {
		stored.Seed, again.Seed = nil, nil
	}
	return reflect.DeepEqual(stored, again)
}

// prepare decodes, defaults and validates a request and plans its job.
func (in *intake) prepare(data []byte) (plannedJob, error) {
	req, err := record.DecodeRequest(data)
	if err != nil {
		return plannedJob{}, err
	}
	req.ApplyDefaults()
	tax, err := pipeline.JobTaxonomy(&req, in.cfg.Taxonomy)
	if err != nil {
		return plannedJob{}, fmt.Errorf("%w: %w", record.ErrInvalidRequest, err)
	}
	errs := []error{req.Validate(record.Limits{MaxSamples: in.cfg.MaxSamples}, tax.Names())}
	if _, _, _, err := in.cfg.LLM.Resolve(req.LLM); err != nil {
		errs = append(errs, fmt.Errorf("%w: %w", record.ErrInvalidRequest, err))
	}
	if _, err := noise.Resolve(req.Noise.Profile, req.Noise.Rates); err != nil {
		errs = append(errs, fmt.Errorf("%w: noise: %w", record.ErrInvalidRequest, err))
	}
	if req.Output != "" {
		// An output no sink can open (unknown scheme, no bucket) first,
		// then this cluster's confinement.
		if err := location.Check(req.Output); err != nil {
			errs = append(errs, fmt.Errorf("%w: output: %w", record.ErrInvalidRequest, err))
		} else if out, err := in.cfg.Outputs.Resolve(req.Output); err != nil {
			errs = append(errs, fmt.Errorf("%w: output: %w", record.ErrInvalidRequest, err))
		} else {
			req.Output = out
		}
	} else if out, err := in.cfg.Outputs.Resolve(req.Output); err != nil {
		errs = append(errs, fmt.Errorf("%w: output: %w", record.ErrInvalidRequest, err))
	} else {
		req.Output = out
	}
	if err := errors.Join(errs...); err != nil {
		return plannedJob{}, err
	}
	if req.JobID == "" {
		req.JobID = record.NewJobID(entropy())
	}
	seed := int64(binary.LittleEndian.Uint64(entropy()) &^ (1 << 63))
	if req.Seed != nil {
		seed = *req.Seed
	}
	picked := req.Seed == nil
	req.Seed = &seed
	return plannedJob{seedPicked: picked, Job: record.Job{
		ID: req.JobID, Request: req, Seed: seed, TaxonomyHash: tax.Hash(),
		Quotas:    plan.Quotas(req.Samples, tax.Names(), req.Intents),
		BatchRows: in.cfg.BatchRows, Partitions: in.cfg.Partitions,
		Status: record.StatusRunning, CreatedAt: time.Now().UTC(),
		Intake: record.Intake{TaskSize: in.cfg.TaskSize, Tasks: (req.Samples + in.cfg.TaskSize - 1) / in.cfg.TaskSize, At: time.Now().UTC()},
	}}, nil
}

func entropy() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return b
}
