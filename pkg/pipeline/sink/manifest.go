package sink

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// manifestInput is what a job's manifest is made of, once read.
type manifestInput struct {
	Job record.Job
	// Location is the job's folder or s3:// URL.
	Location string
	// Files are the job's parts, sorted by name; Rejected its rejected
	// parts, if kept.
	Files, Rejected []dataset.File
	// Quality summarises every record of Files.
	Quality quality.Summary
	// Counts are the stage counters, by stage.
	Counts   map[string]pipeline.Counters
	Finished time.Time
}

// buildManifest is a finished job's manifest: its status and reason, rows,
// per-intent figures, stage counters, LLM figures and timing.
func buildManifest(in manifestInput) dataset.Manifest {
	job := in.Job
	m := dataset.Manifest{
		SchemaVersion: record.SchemaVersion, JobID: job.ID, Location: in.Location,
		Request: job.Request, Seed: job.Seed, TaxonomyHash: job.TaxonomyHash, Files: in.Files, RejectedFiles: in.Rejected,
		Requested: job.Quotas, Shortfall: slices.Clone(job.Shortfall), Rejections: job.Rejections, Regenerations: job.Regenerations,
		Quality: in.Quality,
	}
	if m.Rejections == nil {
		m.Rejections = map[string]int64{}
	}
	for _, f := range in.Files {
		m.Rows += f.Rows
	}
	m.Status, m.Reason = ending(job)
	if job.Stop != nil {
		m.Reason += fmt.Sprintf("; %d of %d rows written", m.Rows, job.Request.Samples)
	}
	for _, q := range job.Quotas {
		got := int(m.Quality.Intents[q.Intent])
		m.Delivered = append(m.Delivered, record.Quota{Intent: q.Intent, Count: got})
		if !job.Sealed && got < q.Count {
			m.Shortfall = append(m.Shortfall, record.Quota{Intent: q.Intent, Count: q.Count - got})
		}
	}
	m.Stages = stageFigures(in.Counts)
	m.LLM = llmFigures(in.Counts[pipeline.StageGenerator])
	m.LLM.Generator = generatorNames(m.Quality.Generators)
	m.Timing = dataset.Timing{CreatedAt: job.CreatedAt, FinishedAt: in.Finished, Seconds: in.Finished.Sub(job.CreatedAt).Seconds()}
	if m.Timing.Seconds > 0 {
		m.Timing.RowsPerSecond = float64(m.Rows) / m.Timing.Seconds
	}
	return m
}

// stageFigures are the stage counters as the manifest lists them.
func stageFigures(counts map[string]pipeline.Counters) map[string]map[string]int64 {
	out := make(map[string]map[string]int64, len(counts))
	for stage, c := range counts {
		out[stage] = make(map[string]int64, len(c))
		for k, v := range c {
			out[stage][string(k)] = v
		}
	}
	return out
}

// partFiles decodes the job store's part records, sorted by name.
func partFiles(raw map[string][]byte) ([]dataset.File, error) {
	files := make([]dataset.File, 0, len(raw))
	for key, b := range raw {
		var f dataset.File
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("part record %s: %w", key, err)
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// ending is the final status of a finishable job and why it ended so.
func ending(job record.Job) (status, reason string) {
	switch {
	case job.Stop != nil && job.Stop.Stage != "":
		return job.Stop.Status, job.Stop.Stage + ": " + job.Stop.Reason
	case job.Stop != nil:
		return job.Stop.Status, job.Stop.Reason
	case job.Accepted == 0:
		return record.StatusFailed, fmt.Sprintf("no record was accepted: the retry budget (%d) ran out; rejections: %s",
			job.Request.Quality.RetryBudget, topReasons(job.Rejections, 3))
	case job.Accepted < int64(job.Request.Samples):
		return record.StatusPartial, fmt.Sprintf("the retry budget (%d) ran out with %d of %d rows; rejections: %s",
			job.Request.Quality.RetryBudget, job.Accepted, job.Request.Samples, topReasons(job.Rejections, 3))
	}
	return record.StatusDone, "every quota met"
}

// topReasons lists the n most frequent rejection reasons with counts.
func topReasons(m map[string]int64, n int) string {
	if len(m) == 0 {
		return "none recorded"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys[:min(n, len(keys))] {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(keys) > n {
		parts = append(parts, fmt.Sprintf("%d more reasons", len(keys)-n))
	}
	return strings.Join(parts, ", ")
}
