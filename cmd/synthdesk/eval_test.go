package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/eval"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
)

// synthdesk runs the CLI as a user types it and returns the exit code and
// both outputs.
func synthdesk(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestEvalCommand generates two small jobs (two noise profiles, named as
// an experiment's variants) and evaluates them against a hand-written real
// sample the way a user would.
func TestEvalCommand(t *testing.T) {
	out := t.TempDir()
	rootNone, rootHeavy := filepath.Join(out, "none"), filepath.Join(out, "heavy")
	for _, v := range []struct{ root, noise string }{{rootNone, "none"}, {rootHeavy, "heavy"}} {
		code, stdout, stderr := synthdesk(t, "run", "--samples", "150", "--seed", "5", "--noise", v.noise,
			"--intents", "cancel_order=1,track_order=1,get_refund=1,recover_password=1,place_order=1,newsletter_subscription=1,review=1",
			"--experiment", "noise", "--variant", v.noise, "--out", v.root)
		if code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
		}
	}
	jobs, _ := filepath.Glob(filepath.Join(rootNone, "job_id=*"))
	if len(jobs) != 1 {
		t.Fatalf("job folders %v", jobs)
	}
	real := filepath.Join("testdata", "eval_real.csv")

	t.Run("table", func(t *testing.T) {
		code, stdout, stderr := synthdesk(t, "eval", jobs[0], "--real", real, "--text-col", "utterance", "--label-col", "label")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"variant none", "18 rows of 6 intents evaluated", "left out (real intents not in every dataset): small_talk",
			"not trained on (dataset intents the real sample lacks): review", "macro-F1", "ratio to ceiling", "verbatim copies",
			"distinct-1/2/3 (19 texts)", "label agreement (manifest)", "per-intent F1", "top confusions of A"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
	})
	t.Run("json, side by side, flags after the datasets", func(t *testing.T) {
		code, stdout, stderr := synthdesk(t, "eval", rootNone, rootHeavy, "--real", real, "--label-col", "label", "--text-col", "utterance", "--json", "--resamples", "200")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var got eval.Report
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if len(got.Results) != 2 || got.Real == nil || got.Real.Evaluated != 18 || got.Text != "first" {
			t.Fatalf("report %+v", got)
		}
		a, b := got.Results[0], got.Results[1]
		if a.Transfer == nil || a.Variant != "none" || b.Variant != "heavy" || b.Experiment != "noise" || a.Job == nil {
			t.Errorf("datasets %+v %+v", a, b)
		}
		if b.Difference == nil || b.Difference.Low > b.Difference.MacroF1 || b.Difference.High < b.Difference.MacroF1 {
			t.Errorf("difference %+v", b.Difference)
		}
	})
	t.Run("parquet part, all customer turns, no real sample", func(t *testing.T) {
		code, stdout, stderr := synthdesk(t, "eval", filepath.Join(jobs[0], "part-00000.parquet"), "--text", "customer")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "all customer turns") || !strings.Contains(stdout, "unique-text ratio") || strings.Contains(stdout, "macro-F1") {
			t.Errorf("output:\n%s", stdout)
		}
	})
	t.Run("s3 job prefix and output root", func(t *testing.T) {
		srv := storetest.S3(t)
		st := storetest.S3Store(t, srv, "datasets")
		files, _ := os.ReadDir(jobs[0])
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(jobs[0], f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Put(t.Context(), filepath.Base(jobs[0])+"/"+f.Name(), bytes.NewReader(b), int64(len(b))); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
		t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
		t.Setenv("SYNTHDESK_S3_ENDPOINT", "http://"+srv.Endpoint)
		for _, url := range []string{"s3://" + srv.Bucket + "/datasets/" + filepath.Base(jobs[0]), "s3://" + srv.Bucket + "/datasets"} {
			code, stdout, stderr := synthdesk(t, "eval", url, "--real", real, "--text-col", "utterance", "--label-col", "label", "--json")
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", url, code, stderr)
			}
			var got eval.Report
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			if got.Results[0].Rows != 150 || got.Results[0].Variant != "none" || got.Real.Evaluated != 18 {
				t.Errorf("%s: %+v", url, got.Results[0])
			}
		}
	})

	empty := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"help", []string{"eval", "--help"}, 0, "DATASET is a job folder"},
		{"no dataset", []string{"eval", "--real", real}, 2, "give at least one DATASET"},
		{"bad text choice", []string{"eval", jobs[0], "--text", "agent"}, 2, `--text "agent" is not first or customer`},
		{"missing column", []string{"eval", jobs[0], "--real", real}, 1, `no column "text"; the header has id, utterance, label`},
		{"empty real sample", []string{"eval", jobs[0], "--real", empty}, 1, "the file is empty"},
		{"no parquet", []string{"eval", t.TempDir()}, 1, "no Parquet parts found"},
		{"two jobs in one root", []string{"eval", out}, 1, "holds 2 jobs"},
		{"missing folder", []string{"eval", filepath.Join(out, "nope")}, 1, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := synthdesk(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.wantErr)
			}
		})
	}
}

// TestRunEvalReal runs a job with --eval-real and checks the figures reach
// the manifest, the report and the card.
func TestRunEvalReal(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := synthdesk(t, "run", "--samples", "120", "--seed", "2", "--out", out,
		"--intents", "cancel_order=1,track_order=1,get_refund=1,recover_password=1,place_order=1,newsletter_subscription=1",
		"--experiment", "smoke", "--variant", "base",
		"--eval-real", filepath.Join("testdata", "eval_real.csv"), "--eval-text-col", "utterance", "--eval-label-col", "label")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "evaluation against") || !strings.Contains(stdout, "ratio to ceiling") {
		t.Errorf("run output lacks the evaluation:\n%s", stdout)
	}
	jobs, _ := filepath.Glob(filepath.Join(out, "job_id=*"))
	if len(jobs) != 1 {
		t.Fatalf("job folders %v", jobs)
	}
	b, err := os.ReadFile(filepath.Join(jobs[0], "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Request struct{ Experiment, Variant string }
		Eval    *eval.Report
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Eval == nil || m.Eval.Real == nil || m.Eval.Real.Evaluated != 18 || m.Eval.Results[0].Transfer == nil || m.Request.Variant != "base" {
		t.Fatalf("manifest eval %+v, request %+v", m.Eval, m.Request)
	}
	for name, want := range map[string]string{"report.html": `data-chart="eval-f1"`, "README.md": "## Usefulness on real requests"} {
		b, err := os.ReadFile(filepath.Join(jobs[0], name))
		if err != nil || !strings.Contains(string(b), want) || !strings.Contains(string(b), "variant base") {
			t.Errorf("%s lacks %q or the variant (%v)", name, want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(jobs[0], "_SUCCESS")); err != nil {
		t.Error(err)
	}
}

// TestRunEvalRealS3 evaluates a job written to S3 and finds the figures
// in the manifest object.
func TestRunEvalRealS3(t *testing.T) {
	srv := storetest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	t.Setenv("SYNTHDESK_S3_ENDPOINT", "http://"+srv.Endpoint)
	code, stdout, stderr := synthdesk(t, "run", "--samples", "60", "--seed", "2", "--out", "s3://"+srv.Bucket+"/runs",
		"--intents", "cancel_order=1,track_order=1,get_refund=1",
		"--eval-real", filepath.Join("testdata", "eval_real.csv"), "--eval-text-col", "utterance", "--eval-label-col", "label")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	st := storetest.S3Store(t, srv, "runs")
	objs, err := st.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var key string
	for _, o := range objs {
		if strings.HasSuffix(o.Key, "/_manifest.json") {
			key = o.Key
		}
	}
	rc, err := st.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("manifest %q: %v", key, err)
	}
	defer rc.Close()
	var m struct{ Eval *eval.Report }
	if err := json.NewDecoder(rc).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.Eval == nil || m.Eval.Real.Evaluated != 9 || len(m.Eval.Real.Missing) != 4 {
		t.Fatalf("manifest eval %+v", m.Eval)
	}
}

func TestRunEvalRealBadSample(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := synthdesk(t, "run", "--samples", "10", "--out", out, "--eval-real", filepath.Join("testdata", "eval_real.csv"))
	if code != 1 || !strings.Contains(stderr, `no column "text"`) {
		t.Errorf("exit %d, stderr %q; want a column error before the job runs", code, stderr)
	}
	if jobs, _ := filepath.Glob(filepath.Join(out, "job_id=*")); len(jobs) != 0 {
		t.Errorf("a job ran: %v", jobs)
	}
}
