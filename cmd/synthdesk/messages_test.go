package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
)

func TestProgressBarFollowsAcceptedRows(t *testing.T) {
	p := pipeline.Progress{
		Job: record.Job{Request: record.Request{Samples: 1000}, Status: record.StatusRunning},
		Stages: map[string]pipeline.Counters{
			pipeline.StageGenerator: {"generated": 950}, pipeline.StageClassifier: {"labeled": 940},
			pipeline.StageValidator: {"accepted": 900}, pipeline.StageSink: {"rows": 0},
		},
	}
	line := progressLine(p, 10*time.Second)
	if !strings.Contains(line, " 90%") || !strings.Contains(line, "written 0/1000") {
		t.Errorf("progress line %q: want 90%% for 900 of 1000 accepted, none written yet", line)
	}
}

func TestSummaryFigures(t *testing.T) {
	p := pipeline.Progress{
		Job: record.Job{
			ID: "j1", Status: record.StatusPartial, Accepted: 95,
			Request: record.Request{Samples: 100, Noise: record.Noise{Profile: "none", Rates: map[string]float64{"typo": 0.3, "casing": 0.1}, FlipPolicy: "drop"}},
			Quotas:  []record.Quota{{Intent: "a", Count: 100}}, Shortfall: []record.Quota{{Intent: "a", Count: 5}},
			// 15 records rejected: 10 regenerated, then 5 given up; some
			// for two reasons.
			Rejections: map[string]int64{"duplicate": 8, "low_confidence": 7, "pii": 5}, Regenerations: 10,
		},
		Stages: map[string]pipeline.Counters{pipeline.StageGenerator: {"prompt_tokens": 1_000_000, "completion_tokens": 500_000, pipeline.CounterCost: 1_250_000_000}},
	}
	p.Job.Request.LLM.PriceIn, p.Job.Request.LLM.PriceOut = ptr(0.25), ptr(2)
	var out bytes.Buffer
	err := summarize(&out, p, time.Second, "")
	if _, ok := err.(*partialError); !ok {
		t.Errorf("summarize returned %v, want a partial error", err)
	}
	for _, want := range []string{
		"rejected records: 15 (10 regenerated, 5 given up)",
		"noise (none, rates casing=0.1,typo=0.3)",
		"cost: 1.2500 at 0.25 per million prompt tokens, 2 per million completion tokens",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func ptr(v float64) *float64 { return &v }

// TestRunWithAWrongS3SecretSaysWhy runs a job to an S3 server with a
// wrong secret: the run must end at once, its last line naming the
// rejected credentials and what to check.
func TestRunWithAWrongS3SecretSaysWhy(t *testing.T) {
	srv := storetest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-"+srv.SecretKey)
	t.Setenv("SYNTHDESK_S3_ENDPOINT", "http://"+srv.Endpoint)
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"run", "--samples", "20", "--out", "s3://" + srv.Bucket + "/datasets"},
		strings.NewReader(""), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstderr: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "credentials rejected") || !strings.Contains(last, "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("last line %q does not say the credentials were rejected\nstderr: %s", last, stderr.String())
	}
	if strings.Contains(stderr.String(), srv.SecretKey) {
		t.Errorf("stderr shows the secret")
	}
}
