package sink

import (
	"fmt"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

var created = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

// baseJob asks for 10 records, 6 billing and 4 refund, in parts of 5.
func baseJob() record.Job {
	return record.Job{
		ID: "j1", Status: record.StatusRunning, BatchRows: 5, Partitions: 1, CreatedAt: created, Seed: 7, TaxonomyHash: "h",
		Request: record.Request{Samples: 10, Quality: record.Quality{RetryBudget: 3}},
		Quotas:  []record.Quota{{Intent: "billing", Count: 6}, {Intent: "refund", Count: 4}},
	}
}

func files(rows ...int64) []dataset.File {
	var out []dataset.File
	for i, n := range rows {
		out = append(out, dataset.File{Name: dataset.PartName(int64(i)), Rows: n})
	}
	return out
}

func TestBuildManifestStatus(t *testing.T) {
	stopAt := created.Add(time.Minute)
	for _, tc := range []struct {
		name       string
		job        func(*record.Job)
		files      []dataset.File
		intents    map[string]int64
		wantStatus string
		wantReason string
		// wantShortfall is the manifest's shortfall.
		wantShortfall []record.Quota
	}{
		{"done", func(j *record.Job) { j.Sealed, j.Accepted = true, 10 },
			files(5, 5), map[string]int64{"billing": 6, "refund": 4}, record.StatusDone, "every quota met", nil},
		{"partial", func(j *record.Job) {
			j.Sealed, j.Accepted = true, 7
			j.Shortfall = []record.Quota{{Intent: "refund", Count: 3}}
			j.Rejections = map[string]int64{"too_short": 4, "duplicate": 9}
		}, files(5, 2), map[string]int64{"billing": 6, "refund": 1}, record.StatusPartial,
			"the retry budget (3) ran out with 7 of 10 rows; rejections: duplicate 9, too_short 4",
			[]record.Quota{{Intent: "refund", Count: 3}}},
		{"failed: nothing accepted", func(j *record.Job) { j.Sealed = true },
			nil, nil, record.StatusFailed, "no record was accepted: the retry budget (3) ran out; rejections: none recorded", nil},
		{"failed by a stage", func(j *record.Job) {
			j.Stop = &record.Stop{Status: record.StatusFailed, Stage: "sink", Reason: "bucket gone", At: stopAt}
		}, files(5), map[string]int64{"billing": 5}, record.StatusFailed, "sink: bucket gone; 5 of 10 rows written",
			[]record.Quota{{Intent: "billing", Count: 1}, {Intent: "refund", Count: 4}}},
		{"cancelled", func(j *record.Job) {
			j.Stop = &record.Stop{Status: record.StatusCancelled, Reason: "cancelled by the user", At: stopAt}
		}, nil, nil, record.StatusCancelled, "cancelled by the user; 0 of 10 rows written",
			[]record.Quota{{Intent: "billing", Count: 6}, {Intent: "refund", Count: 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := baseJob()
			tc.job(&job)
			m := buildManifest(manifestInput{Job: job, Location: "/out/j1/", Files: tc.files,
				Quality: quality.Summary{Intents: tc.intents}, Finished: created.Add(10 * time.Second)})
			if m.Status != tc.wantStatus || m.Reason != tc.wantReason {
				t.Errorf("status %q, reason %q; want %q, %q", m.Status, m.Reason, tc.wantStatus, tc.wantReason)
			}
			if fmt.Sprint(m.Shortfall) != fmt.Sprint(tc.wantShortfall) {
				t.Errorf("shortfall %v, want %v", m.Shortfall, tc.wantShortfall)
			}
			var rows int64
			for _, f := range tc.files {
				rows += f.Rows
			}
			if m.Rows != rows {
				t.Errorf("rows %d, want %d", m.Rows, rows)
			}
			if len(m.Delivered) != len(job.Quotas) {
				t.Errorf("delivered %v, want one entry per quota", m.Delivered)
			}
			for _, d := range m.Delivered {
				if int64(d.Count) != tc.intents[d.Intent] {
					t.Errorf("delivered %s = %d, want %d", d.Intent, d.Count, tc.intents[d.Intent])
				}
			}
		})
	}
}

// TestBuildManifestCopiesFigures: the job's figures, files and counters
// reach the manifest as they are.
func TestBuildManifestCopiesFigures(t *testing.T) {
	job := baseJob()
	job.Sealed, job.Accepted, job.Regenerations = true, 10, 2
	counts := map[string]pipeline.Counters{
		pipeline.StageGenerator: {pipeline.CounterLLMCalls: 12},
		pipeline.StageSink:      {pipeline.CounterRows: 10, pipeline.CounterParts: 2},
	}
	rejected := []dataset.File{{Name: dataset.RejectedPartName(0), Rows: 3}}
	m := buildManifest(manifestInput{Job: job, Location: "/out/j1/", Files: files(5, 5), Rejected: rejected, Counts: counts,
		Quality:  quality.Summary{Intents: map[string]int64{"billing": 6, "refund": 4}, Generators: map[string]int64{"b/x": 3, "a/y": 7}},
		Finished: created.Add(4 * time.Second)})
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"job id", m.JobID, "j1"},
		{"schema", m.SchemaVersion, record.SchemaVersion},
		{"location", m.Location, "/out/j1/"},
		{"seed", m.Seed, int64(7)},
		{"taxonomy", m.TaxonomyHash, "h"},
		{"files", len(m.Files), 2},
		{"rejected files", fmt.Sprint(m.RejectedFiles), fmt.Sprint(rejected)},
		{"requested", fmt.Sprint(m.Requested), fmt.Sprint(job.Quotas)},
		{"rejections never nil", m.Rejections != nil, true},
		{"regenerations", m.Regenerations, 2},
		{"stage counters", fmt.Sprint(m.Stages), "map[generator:map[llm_calls:12] sink:map[parts:2 rows:10]]"},
		{"llm calls", m.LLM.Calls, int64(12)},
		{"generators, most records first", m.LLM.Generator, "a/y,b/x"},
		{"seconds", m.Timing.Seconds, 4.0},
		{"rows per second", m.Timing.RowsPerSecond, 2.5},
		{"created", m.Timing.CreatedAt, created},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestLLMFigures(t *testing.T) {
	price := 1.5
	for _, tc := range []struct {
		name string
		c    pipeline.Counters
		want dataset.LLMFigures
	}{
		{"none", pipeline.Counters{}, dataset.LLMFigures{Errors: map[string]int64{}}},
		{"calls, tokens, time, no price", pipeline.Counters{
			pipeline.CounterLLMCalls: 4, pipeline.CounterLLMRetries: 1, pipeline.CounterPromptTokens: 100, pipeline.CounterCompletionTokens: 50,
			pipeline.CounterLLMMillis: 2500, pipeline.CounterGenerationFailed: 2, pipeline.CounterTokensEstimated: 1,
			pipeline.CounterLLMError("timeout"): 3, pipeline.CounterGenerated: 9,
		}, dataset.LLMFigures{Calls: 4, Retries: 1, PromptTokens: 100, CompletionTokens: 50, LLMSeconds: 2.5, GenerationFailed: 2,
			TokensEstimated: true, Errors: map[string]int64{"timeout": 3}}},
		{"priced", pipeline.Counters{pipeline.CounterCost: 1_500_000_000}, dataset.LLMFigures{Errors: map[string]int64{}, Cost: &price}},
		{"priced at zero", pipeline.Counters{pipeline.CounterCost: 0}, dataset.LLMFigures{Errors: map[string]int64{}, Cost: new(float64)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := llmFigures(tc.c)
			if (got.Cost == nil) != (tc.want.Cost == nil) || (got.Cost != nil && *got.Cost != *tc.want.Cost) {
				t.Errorf("cost %v, want %v", got.Cost, tc.want.Cost)
			}
			got.Cost, tc.want.Cost = nil, nil
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("figures\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestTopReasons(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    map[string]int64
		want string
	}{
		{"none", nil, "none recorded"},
		{"ties by name", map[string]int64{"b": 2, "a": 2, "c": 5}, "c 5, a 2, b 2"},
		{"more than shown", map[string]int64{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, "e 5, d 4, c 3, 2 more reasons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := topReasons(tc.m, 3); got != tc.want {
				t.Errorf("topReasons = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPartFiles(t *testing.T) {
	raw := map[string][]byte{
		"j.part.1": []byte(`{"name":"part-00001.parquet","rows":5}`),
		"j.part.0": []byte(`{"name":"part-00000.parquet","rows":5}`),
	}
	got, err := partFiles(raw)
	if err != nil || len(got) != 2 || got[0].Name > got[1].Name {
		t.Errorf("partFiles = %v, %v; want two files sorted by name", got, err)
	}
	raw["j.part.2"] = []byte(`{`)
	if _, err := partFiles(raw); err == nil {
		t.Error("a part record that does not decode accepted")
	}
}
