package pipeline_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// fullRow is the part of a Parquet row the end-to-end tests of backends,
// the quality gate, noise and taxonomies look at.
type fullRow struct {
	ConversationID  string   `parquet:"conversation_id"`
	Slot            int64    `parquet:"slot"`
	Attempt         int32    `parquet:"attempt"`
	Intent          string   `parquet:"intent"`
	RequestedIntent string   `parquet:"requested_intent"`
	Category        string   `parquet:"category"`
	CustomerText    string   `parquet:"customer_text"`
	NoiseTags       []string `parquet:"noise_tags,list"`
	LabelFlags      []string `parquet:"label_flags,list"`
	Generator       string   `parquet:"generator"`
	PromptVersion   string   `parquet:"prompt_version"`
	RulesVersion    string   `parquet:"rules_version"`
	PIIScrubbed     bool     `parquet:"pii_scrubbed"`
	Turns           []struct {
		Role string `parquet:"role"`
		Text string `parquet:"text"`
	} `parquet:"turns,list"`
}

// readFull reads every accepted part of a job's folder.
func readFull(t *testing.T, dir string) []fullRow {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	sort.Strings(files)
	var rows []fullRow
	for _, f := range files {
		got, err := pq.ReadFile[fullRow](f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		rows = append(rows, got...)
	}
	return rows
}

// jobRows waits for a job to finish and returns it with its rows.
func (c *cluster) jobRows(t *testing.T, id string, within time.Duration) (record.Job, []fullRow) {
	t.Helper()
	job := c.wait(t, id, within)
	return job, readFull(t, filepath.Join(c.out, dataset.JobDir(id)))
}

// startSim serves a protocol simulator answering with the offline
// synthesizer over tax; cfg's Backend, ParseRequests and Taxonomy are set
// here.
func startSim(t *testing.T, tax *taxonomy.Taxonomy, cfg llmsim.Config) (*httptest.Server, *llmsim.Sim) {
	t.Helper()
	cfg.Taxonomy, cfg.Backend = tax, offline.New(offline.Config{Taxonomy: tax})
	cfg.ParseRequests = func(user string) []llmsim.Request {
		var out []llmsim.Request
		for _, r := range prompt.ParseRequests(user) {
			out = append(out, llmsim.Request{Intent: r.Intent, Turns: r.Turns})
		}
		return out
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	sim := llmsim.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return srv, sim
}

// simLLM is the generator's backend set with backend ("ollama" or
// "openai") as default, served at url under model "sim".
func simLLM(t *testing.T, backend, url string, timeout time.Duration) *generator.LLMSet {
	t.Helper()
	cfg := generator.LLMConfig{Default: backend, Model: "sim", Timeout: timeout}
	switch backend {
	case "ollama":
		cfg.OllamaURL = url
	case "openai":
		cfg.OpenAIURL = url
	}
	set, err := generator.NewLLMSet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// checkQuotas fails unless rows hold exactly the job's quota per intent
// and nothing else.
func checkQuotas(t *testing.T, job record.Job, rows []fullRow) {
	t.Helper()
	got := map[string]int{}
	for _, r := range rows {
		got[r.Intent]++
	}
	want := map[string]int{}
	for _, q := range job.Quotas {
		if q.Count > 0 {
			want[q.Intent] = q.Count
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d intents delivered, want %d", len(got), len(want))
	}
	for intent, n := range want {
		if got[intent] != n {
			t.Errorf("intent %s: %d rows, want %d", intent, got[intent], n)
		}
	}
}

func TestLLMBackendsDeliverExactCounts(t *testing.T) {
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{"ollama", "openai"} {
		t.Run(backend, func(t *testing.T) {
			srv, sim := startSim(t, tax, llmsim.Config{Latency: 5 * time.Millisecond, Capacity: 16, Seed: 1})
			c := startCluster(t, func(cfg *testConfig) { cfg.LLM = simLLM(t, backend, srv.URL, 30*time.Second) })
			reply := c.submit(t, record.Request{Samples: 300, Seed: seed(3)})
			job, rows := c.jobRows(t, reply.JobID, 2*time.Minute)
			if job.Status != record.StatusDone {
				t.Fatalf("job status %s, shortfall %v, rejections %v", job.Status, job.Shortfall, job.Rejections)
			}
			if len(rows) != 300 {
				t.Fatalf("rows = %d, want 300", len(rows))
			}
			checkQuotas(t, job, rows)
			for _, r := range rows {
				if r.Generator != backend+"/sim" {
					t.Fatalf("%s: generator %q, want %q", r.ConversationID, r.Generator, backend+"/sim")
				}
			}
			st := sim.Stats()
			if st.Served["ok"] == 0 || st.Conversations < 300 {
				t.Errorf("simulator served %v with %d conversations; the job did not go through it", st.Served, st.Conversations)
			}
			gen := c.generatorCounters(t, reply.JobID, pipeline.CounterCompletionTokens)
			if gen["llm_calls"] == 0 || gen["prompt_tokens"] == 0 {
				t.Errorf("generator counters %v, want llm calls and tokens", gen)
			}
		})
	}
}

// generatorCounters polls the job's progress until the generator's
// counter named ready is positive, and returns the generator's counters.
func (c *cluster) generatorCounters(t *testing.T, id string, ready pipeline.Counter) pipeline.Counters {
	t.Helper()
	jobs, err := c.conn.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	var gen pipeline.Counters
	bustest.Eventually(t, 30*time.Second, func() bool {
		p, err := pipeline.JobProgress(context.Background(), jobs, id)
		gen = p.Stages["generator"]
		return err == nil && gen[ready] > 0
	}, "generator counter "+string(ready)+" of job "+id)
	return gen
}
