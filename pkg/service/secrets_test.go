package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/bus/embedded"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/service"
)

// TestSecretsStayOutOfLogs runs a stage with NATS credentials and an
// OpenAI key carrying canary values and checks no log line shows them.
func TestSecretsStayOutOfLogs(t *testing.T) {
	const canary = "canary-7c1f-secret"
	srv := bustest.ServerWith(t, embedded.Config{User: "svc", Password: canary})
	var logs bytes.Buffer
	log := zerolog.New(&logs)
	c := service.Common{NATS: bus.Config{URL: srv.ClientURL(), User: "svc", Password: canary}, HTTPAddr: "127.0.0.1:0", Concurrency: 2, StreamReplicas: 1, Replica: "t"}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	l := generator.LLMFlags{Config: generator.LLMConfig{Default: "openai", Model: "m", OpenAIKey: canary}, URL: "http://127.0.0.1:1/v1"}
	if err := l.Finish(); err != nil {
		t.Fatal(err)
	}
	llms, err := l.Build()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = service.Run(ctx, c, log, nil, generator.Config{LLM: llms})
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
	err = service.Run(context.Background(), bad, log, nil, generator.Config{LLM: llms})
	if err == nil {
		t.Fatal("wrong NATS password accepted")
	}
	if strings.Contains(err.Error(), canary) {
		t.Errorf("the error shows the password: %v", err)
	}
}
