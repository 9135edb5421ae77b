package main

import (
	"strings"
	"testing"
)

func noEnv(string) (string, bool) { return "", false }

// TestLoadConfigAppliesLLMURL loads the generator's configuration as its
// documented command lines give it: --llm-url completes the backend named
// by --llm before the configuration is validated.
func TestLoadConfigAppliesLLMURL(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, c config)
	}{
		{name: "openai with its URL", args: []string{"--llm", "openai", "--llm-url", "http://127.0.0.1:8000/v1", "--model", "mistral"},
			check: func(t *testing.T, c config) {
				if c.LLM.Config.OpenAIURL != "http://127.0.0.1:8000/v1" {
					t.Errorf("openai URL %q", c.LLM.Config.OpenAIURL)
				}
			}},
		{name: "ollama with its URL", args: []string{"--llm", "ollama", "--llm-url", "http://127.0.0.1:11434", "--model", "llama3.2:1b"},
			check: func(t *testing.T, c config) {
				if c.LLM.Config.OllamaURL != "http://127.0.0.1:11434" {
					t.Errorf("ollama URL %q", c.LLM.Config.OllamaURL)
				}
			}},
		{name: "prices per model", args: []string{"--llm-prices", "mistral=0.25/0.75"},
			check: func(t *testing.T, c config) {
				if p := c.LLM.Config.Prices["mistral"]; p.In != 0.25 || p.Out != 0.75 {
					t.Errorf("prices %v", c.LLM.Config.Prices)
				}
			}},
		{name: "openai without a URL", args: []string{"--llm", "openai", "--model", "mistral"}, wantErr: "needs its URL"},
		{name: "a URL for the offline backend", args: []string{"--llm-url", "http://127.0.0.1:1"}, wantErr: "--llm-url needs --llm ollama or --llm openai"},
		{name: "a bad price", args: []string{"--llm-prices", "mistral=cheap"}, wantErr: "--llm-prices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(tt.args, noEnv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadConfig(%q): %v", tt.args, err)
			}
			tt.check(t, c)
			if _, err := c.LLM.Build(); err != nil {
				t.Errorf("build: %v", err)
			}
		})
	}
}
