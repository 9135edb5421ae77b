package remote

import (
	"fmt"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/ollama"
)

// NewOllama returns a backend for Ollama's native /api/chat. It asks for
// JSON with `format: "json"`: langchaingo v0.1.14's Ollama client only
// carries a format string, so the JSON Schema from Render is not sent
// (the prompt describes the shape; the parser checks it).
func NewOllama(cfg Config) (*Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ollama backend: %w", err)
	}
	m, err := ollama.New(
		ollama.WithServerURL(cfg.BaseURL),
		ollama.WithModel(cfg.Model),
		ollama.WithFormat("json"),
		ollama.WithHTTPClient(instrument(cfg.HTTPClient)),
	)
	if err != nil {
		return nil, fmt.Errorf("ollama backend: %w", err)
	}
	return &Backend{kind: "ollama", cfg: cfg, model: func([]byte) (llms.Model, []llms.CallOption, error) {
		return m, []llms.CallOption{llms.WithJSONMode()}, nil
	}}, nil
}
