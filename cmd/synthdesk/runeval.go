package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/eval"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/report"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// prepareRun checks the evaluation flags of run and reads the real sample
// before the job starts, so a bad sample fails fast; it gives the request
// a job id so the job's folder is known afterwards. Without --eval-real it
// does nothing.
func (f *evalFlags) prepareRun(req *record.Request) ([]eval.Example, error) {
	if f.real == "" {
		return nil, nil
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	real, err := f.readReal()
	if err != nil {
		return nil, err
	}
	if req.JobID == "" {
		entropy := make([]byte, 16)
		if _, err := rand.Read(entropy); err != nil {
			return nil, err
		}
		req.JobID = record.NewJobID(entropy)
	}
	return real, nil
}

// afterRun evaluates the job run has just finished (done or partial, as
// jobErr says) against the real sample, adds the figures to its manifest,
// report and card, and prints them. Without --eval-real, or when the job
// failed, it returns jobErr.
func (f *evalFlags) afterRun(ctx context.Context, cfg localRun, jobID string, real []eval.Example, jobErr error, stdout io.Writer) error {
	var partial *partialError
	if f.real == "" || jobErr != nil && !errors.As(jobErr, &partial) {
		return jobErr
	}
	err := f.evalJob(ctx, cfg, jobID, real, stdout)
	if err != nil {
		err = fmt.Errorf("evaluating job %s against %s: %w", jobID, f.real, err)
	}
	return errors.Join(jobErr, err)
}

func (f *evalFlags) evalJob(ctx context.Context, cfg localRun, jobID string, real []eval.Example, stdout io.Writer) error {
	st, err := store.Open(ctx, cfg.Output, cfg.S3)
	if err != nil {
		return err
	}
	dir := dataset.JobDir(jobID)
	per := map[string]int{}
	var samples []record.Conversation
	keep := func(c *record.Conversation) {
		if per[c.Intent] < report.SamplesPerIntent {
			per[c.Intent]++
			samples = append(samples, *c)
		}
	}
	ds, m, err := loadDataset(ctx, st.URL(dir), cfg.S3, f.text, keep)
	if err != nil {
		return err
	}
	if m == nil {
		return fmt.Errorf("no %s in %s", dataset.ManifestName, st.URL(dir))
	}
	ds.Name = m.Location
	rep, err := f.evaluate(real, []eval.Dataset{ds})
	if err != nil {
		return err
	}
	m.Eval = &rep
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := st.Put(ctx, dir+dataset.ManifestName, bytes.NewReader(body), int64(len(body))); err != nil {
		return fmt.Errorf("rewrite manifest: %w", err)
	}
	if err := report.Write(ctx, st, dir, *m, samples); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nevaluation against", f.real+":")
	return writeEvalTable(stdout, rep)
}
