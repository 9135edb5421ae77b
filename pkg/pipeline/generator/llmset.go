package generator

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/llm/remote"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// LLMConfig is the generator's set of backends.
type LLMConfig struct {
	// Default is the backend used when a request names none (offline).
	Default string
	// Model is the default model of the remote backends.
	Model string
	// Models is the allow-list of models requests may name; empty allows
	// only Model.
	Models    []string
	OllamaURL string
	OpenAIURL string
	// OpenAIKey is the bearer token of the OpenAI-compatible server.
	OpenAIKey string
	// MaxInFlight bounds concurrent calls per backend (default 16).
	MaxInFlight int
	// Timeout bounds one call (default 2m).
	Timeout time.Duration
	// PerCall is the default number of conversations per remote call.
	PerCall int
	// Metrics, when set, receive every call's outcome per backend.
	Metrics *telemetry.Metrics
	// Prices are the models' prices per million tokens, by model name;
	// a request's own prices win.
	Prices map[string]llm.Price
}

// Validate reports every configuration problem at once.
func (c LLMConfig) Validate() error {
	var errs []error
	switch c.Default {
	case "", "offline":
	case "ollama", "openai":
		if c.Model == "" {
			errs = append(errs, fmt.Errorf("llm: backend %s needs a model (--model or SYNTHDESK_LLM_MODEL)", c.Default))
		}
	default:
		errs = append(errs, fmt.Errorf("llm: backend %q is not one of offline, ollama, openai", c.Default))
	}
	if c.Default == "ollama" && c.OllamaURL == "" {
		errs = append(errs, errors.New("llm: backend ollama needs its URL (--llm-url or SYNTHDESK_OLLAMA_URL)"))
	}
	if c.Default == "openai" && c.OpenAIURL == "" {
		errs = append(errs, errors.New("llm: backend openai needs its URL (--llm-url or SYNTHDESK_OPENAI_URL)"))
	}
	return errors.Join(errs...)
}

// LLMSet holds the configured backends, each wrapped in a limiter.
type LLMSet struct {
	cfg      LLMConfig
	backends map[string]llm.Backend
}

// NewLLMSet builds the backends that are configured: offline always,
// ollama and openai when their URL is set.
func NewLLMSet(cfg LLMConfig) (*LLMSet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Default == "" {
		cfg.Default = "offline"
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 16
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Minute
	}
	if cfg.PerCall == 0 {
		cfg.PerCall = 4
	}
	s := &LLMSet{cfg: cfg, backends: map[string]llm.Backend{"offline": offline.New(offline.Config{})}}
	limit := func(backend string) llm.LimitConfig {
		c := llm.LimitConfig{MaxInFlight: cfg.MaxInFlight, InitialInFlight: max(cfg.MaxInFlight/2, 1)}
		if cfg.Metrics != nil {
			c.Observer = LLMObserver{Backend: backend, Metrics: cfg.Metrics}
		}
		return c
	}
	models := cfg.Models
	if len(models) == 0 && cfg.Model != "" {
		models = []string{cfg.Model}
	}
	rc := remote.Config{
		Model: cfg.Model, Models: models, Timeout: cfg.Timeout,
		HTTPClient: remote.NewHTTPClient(cfg.MaxInFlight), Render: render, PromptVersion: prompt.Version,
	}
	if cfg.OllamaURL != "" {
		c := rc
		c.BaseURL = cfg.OllamaURL
		b, err := remote.NewOllama(c)
		if err != nil {
			return nil, fmt.Errorf("llm ollama: %w", err)
		}
		s.backends["ollama"] = llm.NewLimiter(b, limit("ollama"))
	}
	if cfg.OpenAIURL != "" {
		c := rc
		c.BaseURL, c.APIKey = cfg.OpenAIURL, cfg.OpenAIKey
		b, err := remote.NewOpenAI(c)
		if err != nil {
			return nil, fmt.Errorf("llm openai: %w", err)
		}
		s.backends["openai"] = llm.NewLimiter(b, limit("openai"))
	}
	if _, ok := s.backends[cfg.Default]; !ok {
		return nil, fmt.Errorf("llm: default backend %s is not configured", cfg.Default)
	}
	return s, nil
}

func render(call llm.Call) (remote.Prompt, error) {
	p, err := prompt.Render(call, prompt.Options{})
	return remote.Prompt{System: p.System, User: p.User, Schema: p.Schema, Version: p.Version}, err
}

// Resolve picks the backend, model and conversations per call for a
// request's llm options; errors name the request field.
func (s *LLMSet) Resolve(o record.LLM) (llm.Backend, string, int, error) {
	name := o.Backend
	if name == "" {
		name = s.cfg.Default
	}
	b, ok := s.backends[name]
	if !ok {
		return nil, "", 0, &record.FieldError{Field: "llm.backend", Problem: fmt.Sprintf("%s is not configured on this generator; available: %s", name, strings.Join(s.names(), ", "))}
	}
	if name == "offline" {
		model := o.Model
		if model == "" {
			model = "synth-v1"
		}
		return b, model, 1 << 20, nil
	}
	model := o.Model
	if model == "" {
		model = s.cfg.Model
	}
	allowed := s.cfg.Models
	if len(allowed) == 0 {
		allowed = []string{s.cfg.Model}
	}
	if !slices.Contains(allowed, model) {
		return nil, "", 0, &record.FieldError{Field: "llm.model", Problem: fmt.Sprintf("%q is not allowed; allowed models: %s", model, strings.Join(allowed, ", "))}
	}
	per := o.PerCall
	if per == 0 {
		per = s.cfg.PerCall
	}
	return b, model, per, nil
}

// Price is the price a job's calls to model cost: the request's, where
// it sets one, over the configured price of the model. ok is false when
// neither says.
func (s *LLMSet) Price(o record.LLM, model string) (llm.Price, bool) {
	p, ok := s.cfg.Prices[model]
	if o.PriceIn != nil {
		p.In, ok = *o.PriceIn, true
	}
	if o.PriceOut != nil {
		p.Out, ok = *o.PriceOut, true
	}
	return p, ok
}

func (s *LLMSet) names() []string {
	var out []string
	for n := range s.backends {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
