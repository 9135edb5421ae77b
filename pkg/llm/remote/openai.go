package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// placeholderKey is sent to servers that need no key (local vLLM,
// llama.cpp): langchaingo refuses to build a client without one.
const placeholderKey = "unused"

// NewOpenAI returns a backend for an OpenAI-compatible /chat/completions.
// It asks for `response_format: {type: "json_schema", strict: true}` with
// Render's schema (langchaingo supports it per client, so one client is
// kept per distinct schema), or `{type: "json_object"}` when Render gives
// no schema.
func NewOpenAI(cfg Config) (*Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("openai backend: %w", err)
	}
	hc := instrument(cfg.HTTPClient)
	key := cfg.APIKey
	if key == "" {
		key = placeholderKey
	}
	var clients sync.Map // schema string -> *openai.LLM
	b := &Backend{kind: "openai", cfg: cfg}
	b.model = func(schema []byte) (llms.Model, []llms.CallOption, error) {
		if m, ok := clients.Load(string(schema)); ok {
			return m.(*openai.LLM), nil, nil
		}
		rf, err := responseFormat(schema)
		if err != nil {
			return nil, nil, err
		}
		m, err := openai.New(openai.WithToken(key), openai.WithBaseURL(cfg.BaseURL),
			openai.WithModel(cfg.Model), openai.WithHTTPClient(hc), openai.WithResponseFormat(rf))
		if err != nil {
			return nil, nil, errors.New("cannot build the OpenAI client")
		}
		actual, _ := clients.LoadOrStore(string(schema), m)
		return actual.(*openai.LLM), nil, nil
	}
	return b, nil
}

func responseFormat(schema []byte) (*openai.ResponseFormat, error) {
	if len(schema) == 0 {
		return openai.ResponseFormatJSON, nil
	}
	var prop openai.ResponseFormatJSONSchemaProperty
	if err := json.Unmarshal(schema, &prop); err != nil {
		return nil, fmt.Errorf("render schema: %w", err)
	}
	return &openai.ResponseFormat{Type: "json_schema", JSONSchema: &openai.ResponseFormatJSONSchema{
		Name: "conversations", Strict: true, Schema: &prop,
	}}, nil
}
