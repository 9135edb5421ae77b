package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/pipeline/sink"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// startStages runs the four stages against srv, as the four services of a
// cluster would, until the test ends.
func startStages(t *testing.T, srv *server.Server, llm generator.LLMConfig) {
	t.Helper()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	llms, err := generator.NewLLMSet(llm)
	if err != nil {
		t.Fatal(err)
	}
	deps := pipeline.Deps{Conn: bustest.Conn(t, srv), Log: zerolog.Nop(), Taxonomy: tax}
	layout := pipeline.Layout{BatchRows: 100}
	connect := func(ctx context.Context, stage string) (*bus.Conn, error) {
		c, err := bus.Connect(ctx, bus.Config{URL: srv.ClientURL(), Name: "test-" + stage})
		if err != nil {
			return nil, err
		}
		return c, c.Ensure(ctx, bus.Topology{Replicas: 1})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- pipeline.Assemble(ctx, deps, connect, localStages(llms, nil, layout, sink.Config{Layout: layout})...)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stages: %v", err)
		}
	})
}

// TestSubmitWait submits a job to a cluster as README shows it, with
// --wait, and checks the printed job id, the summary and the files.
func TestSubmitWait(t *testing.T) {
	srv := bustest.Server(t)
	startStages(t, srv, generator.LLMConfig{})
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"submit", "--nats", srv.ClientURL(), "--samples", "200", "--seed", "5",
		"--out", out, "--price-in", "2", "--price-out", "8", "--wait"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
	id := strings.SplitN(stdout.String(), "\n", 2)[0]
	if !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(id) {
		t.Fatalf("first line %q is not a job id", id)
	}
	for _, want := range []string{"job " + id + ": done", "rows: 200 of 200 requested", "rejected records: ", "cost: "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	b, err := os.ReadFile(filepath.Join(out, dataset.JobDir(id), dataset.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m dataset.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.LLM.Generator != "offline/synth-v1" {
		t.Errorf("manifest llm.generator %q, want offline/synth-v1", m.LLM.Generator)
	}
	want := (float64(m.LLM.PromptTokens)*2 + float64(m.LLM.CompletionTokens)*8) / 1e6
	if m.LLM.Cost == nil || *m.LLM.Cost < want*0.999 || *m.LLM.Cost > want*1.001 || want == 0 {
		t.Errorf("manifest llm.cost %v, want %g for %d prompt and %d completion tokens", m.LLM.Cost, want, m.LLM.PromptTokens, m.LLM.CompletionTokens)
	}

	stdout.Reset()
	stderr.Reset()
	code = dispatch(context.Background(), []string{"status", "--nats", srv.ClientURL(), id}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "rows: 200 of 200 requested") {
		t.Errorf("status: exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
}
