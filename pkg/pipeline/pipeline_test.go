package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	pq "github.com/parquet-go/parquet-go"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// row is what the test reads back with an independent Parquet reader.
type row struct {
	ConversationID  string  `parquet:"conversation_id"`
	JobID           string  `parquet:"job_id"`
	Intent          string  `parquet:"intent"`
	RequestedIntent string  `parquet:"requested_intent"`
	Category        string  `parquet:"category"`
	Confidence      float64 `parquet:"confidence"`
	CustomerText    string  `parquet:"customer_text"`
	NumTurns        int32   `parquet:"num_turns"`
	Split           string  `parquet:"split"`
	Turns           []struct {
		Role string `parquet:"role"`
		Text string `parquet:"text"`
	} `parquet:"turns,list"`
}

type cluster struct {
	conn *bus.Conn
	// js inspects streams and consumers behind the stages' back.
	js  jetstream.JetStream
	out string
	cfg testConfig
}

// startCluster runs the four stages against a fresh embedded NATS server
// and a local output folder.
func startCluster(t *testing.T, mutate func(*testConfig)) *cluster {
	t.Helper()
	srv := bustest.Server(t)
	conn := bustest.Conn(t, srv)
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	llms, err := generator.NewLLMSet(generator.LLMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cfg := testConfig{
		Conn: conn, Log: zerolog.Nop(), Taxonomy: tax, LLM: llms, Output: out, BatchRows: 500,
		MaxSamples: 1_000_000,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runAll(ctx, cfg, connector(srv)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stages: %v", err)
		}
	})
	return &cluster{conn: conn, js: bustest.JetStream(t, srv), out: out, cfg: cfg}
}

func (c *cluster) submit(t *testing.T, req record.Request) record.IntakeReply {
	t.Helper()
	b, _ := json.Marshal(req)
	reply, err := pipeline.Submit(context.Background(), c.conn, b)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return reply
}

// wait polls the job until it leaves running and returns it.
func (c *cluster) wait(t *testing.T, id string, within time.Duration) record.Job {
	t.Helper()
	jobs, _ := c.conn.Jobs()
	var job record.Job
	deadline := time.Now().Add(within)
	for {
		j, err := jobs.Get(context.Background(), id)
		job = j
		if err == nil && j.Status != record.StatusRunning {
			return job
		}
		if time.Now().After(deadline) {
			p, _ := pipeline.JobProgress(context.Background(), jobs, id)
			t.Fatalf("job %s not finished within %s: sealed %v accepted %d; stage counters %v", id, within, p.Job.Sealed, p.Job.Accepted, p.Stages)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readRows(t *testing.T, dir string) []row {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	sort.Strings(files)
	var rows []row
	for _, f := range files {
		got, err := pq.ReadFile[row](f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		rows = append(rows, got...)
	}
	return rows
}

func seed(v int64) *int64 { return &v }

func TestEndToEndExactCounts(t *testing.T) {
	c := startCluster(t, nil)
	reply := c.submit(t, record.Request{Samples: 2000, Seed: seed(7)})
	job := c.wait(t, reply.JobID, 2*time.Minute)
	if job.Status != record.StatusDone {
		t.Fatalf("job status %s (shortfall %v)", job.Status, job.Shortfall)
	}
	dir := filepath.Join(c.out, dataset.JobDir(reply.JobID))
	if _, err := os.Stat(filepath.Join(dir, dataset.SuccessName)); err != nil {
		t.Fatalf("_SUCCESS: %v", err)
	}
	rows := readRows(t, dir)
	if len(rows) != 2000 {
		t.Fatalf("rows = %d, want 2000", len(rows))
	}
	ids := map[string]bool{}
	perIntent := map[string]int{}
	for _, r := range rows {
		if ids[r.ConversationID] {
			t.Fatalf("conversation %s twice", r.ConversationID)
		}
		ids[r.ConversationID] = true
		perIntent[r.Intent]++
		if r.Intent != r.RequestedIntent {
			t.Errorf("%s: intent %s, requested %s under the reject policy", r.ConversationID, r.Intent, r.RequestedIntent)
		}
		if int(r.NumTurns) != len(r.Turns) || r.Turns[0].Role != record.RoleCustomer {
			t.Errorf("%s: num_turns %d, turns %d, first role %s", r.ConversationID, r.NumTurns, len(r.Turns), r.Turns[0].Role)
		}
	}
	if len(perIntent) != 27 {
		t.Errorf("%d intents, want 27", len(perIntent))
	}
	lo, hi := 2000, 0
	for _, n := range perIntent {
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi-lo > 1 {
		t.Errorf("per-intent counts range %d..%d, want a spread of at most 1", lo, hi)
	}
	var m dataset.Manifest
	b, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Rows != 2000 || m.Status != record.StatusDone || len(m.Files) != 4 {
		t.Errorf("manifest rows %d status %s files %d, want 2000 done 4", m.Rows, m.Status, len(m.Files))
	}
}

func TestWeightedIntents(t *testing.T) {
	c := startCluster(t, nil)
	reply := c.submit(t, record.Request{Samples: 400, Seed: seed(1), Intents: map[string]float64{"cancel_order": 3, "track_order": 1}})
	c.wait(t, reply.JobID, time.Minute)
	perIntent := map[string]int{}
	for _, r := range readRows(t, filepath.Join(c.out, dataset.JobDir(reply.JobID))) {
		perIntent[r.Intent]++
	}
	if perIntent["cancel_order"] != 300 || perIntent["track_order"] != 100 || len(perIntent) != 2 {
		t.Errorf("counts %v, want cancel_order 300, track_order 100", perIntent)
	}
}

func TestMalformedRequestIsRefusedWithField(t *testing.T) {
	c := startCluster(t, nil)
	tests := []struct {
		name, body, field string
	}{
		{name: "unknown field", body: `{"samples": 10, "colour": "red"}`, field: "colour: unknown field"},
		{name: "null", body: `null`, field: "must be a JSON object"},
		{name: "array", body: `[]`, field: "must be a JSON object"},
		{name: "explicit zero samples", body: `{"samples": 0}`, field: "samples: must be at least 1, got 0"},
		{name: "2 MB label", body: `{"samples": 10, "labels": {"team": "` + strings.Repeat("x", 2<<20) + `"}}`, field: "over the limit"},
		{name: "wrong type", body: `{"samples": "ten"}`, field: "samples"},
		{name: "unknown intent", body: `{"samples": 10, "intents": {"buy_spaceship": 1}}`, field: "intents.buy_spaceship"},
		{name: "bad split", body: `{"samples": 10, "split": {"train": 0.9, "test": 0.3}}`, field: "split"},
		{name: "unconfigured backend", body: `{"samples": 10, "llm": {"backend": "ollama"}}`, field: "llm.backend"},
		{name: "negative dedup window", body: `{"samples": 10, "quality": {"dedup_window": -2}}`, field: "quality.dedup_window"},
		{name: "not json", body: `samples=10`, field: "malformed JSON"},
	}
	jobs, _ := c.conn.Jobs()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pipeline.Submit(context.Background(), c.conn, []byte(tt.body))
			if err == nil || !containsAll(err.Error(), tt.field) {
				t.Fatalf("error %v, want one naming %s", err, tt.field)
			}
			keys, _ := jobs.List(context.Background(), "*.state")
			if len(keys) != 0 {
				t.Errorf("%d jobs stored after a refused request", len(keys))
			}
		})
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !contains(s, sub) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}

var _ = errors.New

// connector gives every stage its own connection to srv, as services have.
func connector(srv *server.Server) pipeline.Connector {
	return func(ctx context.Context, stage string) (*bus.Conn, error) {
		c, err := bus.Connect(ctx, bus.Config{URL: srv.ClientURL(), Name: stage})
		if err != nil {
			return nil, err
		}
		if err := c.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}
