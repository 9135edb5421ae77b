package service

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

func env(m map[string]string) Env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestCommonReportsEveryProblemAtOnce(t *testing.T) {
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Bind(fs, env(map[string]string{"SYNTHDESK_NATS_TLS_CERT": "cert.pem"}))
	if err := fs.Parse([]string{"--concurrency", "0", "--stream-replicas", "9"}); err != nil {
		t.Fatal(err)
	}
	err := c.Finish()
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, want := range []string{"certificate and its key", "concurrency must be", "stream replicas must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Bind(fs, env(map[string]string{"SYNTHDESK_NATS_URL": "nats://env:4222", "SYNTHDESK_CONCURRENCY": "3"}))
	if err := fs.Parse([]string{"--nats", "nats://flag:4222"}); err != nil {
		t.Fatal(err)
	}
	if c.NATS.URL != "nats://flag:4222" || c.Concurrency != 3 {
		t.Errorf("url %s concurrency %d", c.NATS.URL, c.Concurrency)
	}
}

// TestSecretsStayOutOfLogs runs a stage with NATS credentials and an
// OpenAI key carrying canary values and checks no log line shows them.
func TestSecretsStayOutOfLogs(t *testing.T) {
	const canary = "canary-7c1f-secret"
	srv := bustest.ServerWith(t, bus.EmbeddedConfig{User: "svc", Password: canary})
	var logs bytes.Buffer
	log := zerolog.New(&logs)
	c := Common{NATS: bus.Config{URL: srv.ClientURL(), User: "svc", Password: canary}, HTTPAddr: "127.0.0.1:0", Concurrency: 2, StreamReplicas: 1, Replica: "t"}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	l := LLMFlags{Config: pipeline.LLMConfig{Default: "openai", Model: "m", OpenAIKey: canary}, URL: "http://127.0.0.1:1/v1"}
	if err := l.Finish(); err != nil {
		t.Fatal(err)
	}
	llms, err := l.Build()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = Run(ctx, "generator", c, log, pipeline.Config{LLM: llms}, pipeline.RunGenerator)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(logs.String(), "started") {
		t.Fatalf("the stage did not start; logs: %s", logs.String())
	}
	if strings.Contains(logs.String(), canary) {
		t.Errorf("a secret reached the logs:\n%s", logs.String())
	}
	bad := c
	bad.NATS.Password = "wrong-" + canary
	err = Run(context.Background(), "generator", bad, log, pipeline.Config{LLM: llms}, pipeline.RunGenerator)
	if err == nil {
		t.Fatal("wrong NATS password accepted")
	}
	if strings.Contains(err.Error(), canary) {
		t.Errorf("the error shows the password: %v", err)
	}
}
