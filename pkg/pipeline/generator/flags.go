package generator

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/service"
)

// LLMFlags are the generator's backend settings as flags and environment,
// for the generator service and `synthdesk run`.
type LLMFlags struct {
	Config  LLMConfig
	URL     string
	KeyFile string
	models  string
	prices  string
	// envErrs are the environment values Bind could not use.
	envErrs []error
}

// Bind registers the flags. --llm-url sets the URL of the default backend;
// the per-backend variables set each one.
func (l *LLMFlags) Bind(fs *flag.FlagSet, env service.Env) {
	fs.StringVar(&l.Config.Default, "llm", service.Str(env, "SYNTHDESK_LLM_BACKEND", "offline"), "default backend: offline, ollama or openai [SYNTHDESK_LLM_BACKEND]")
	fs.StringVar(&l.Config.Model, "model", service.Str(env, "SYNTHDESK_LLM_MODEL", ""), "default model of the remote backend [SYNTHDESK_LLM_MODEL]")
	fs.StringVar(&l.URL, "llm-url", "", "URL of the default backend's server (Ollama: http://host:11434, OpenAI-compatible: http://host:8000/v1)")
	fs.StringVar(&l.Config.OllamaURL, "ollama-url", service.Str(env, "SYNTHDESK_OLLAMA_URL", ""), "Ollama server [SYNTHDESK_OLLAMA_URL]")
	fs.StringVar(&l.Config.OpenAIURL, "openai-url", service.Str(env, "SYNTHDESK_OPENAI_URL", ""), "OpenAI-compatible server [SYNTHDESK_OPENAI_URL]")
	l.Config.OpenAIKey = service.Str(env, "OPENAI_API_KEY", "")
	fs.StringVar(&l.KeyFile, "openai-api-key-file", service.Str(env, "SYNTHDESK_OPENAI_API_KEY_FILE", ""), "file holding the API key (or set OPENAI_API_KEY) [SYNTHDESK_OPENAI_API_KEY_FILE]")
	fs.StringVar(&l.models, "llm-models", service.Str(env, "SYNTHDESK_LLM_MODELS", ""), "comma-separated models requests may name [SYNTHDESK_LLM_MODELS]")
	l.envErrs = append(l.envErrs,
		service.IntVar(fs, &l.Config.MaxInFlight, "llm-max-inflight", env, "SYNTHDESK_LLM_MAX_INFLIGHT", 16, "concurrent LLM calls per replica [SYNTHDESK_LLM_MAX_INFLIGHT]"),
		service.IntVar(fs, &l.Config.PerCall, "llm-per-call", env, "SYNTHDESK_LLM_PER_CALL", 4, "conversations per remote LLM call [SYNTHDESK_LLM_PER_CALL]"))
	fs.DurationVar(&l.Config.Timeout, "llm-timeout", 2*time.Minute, "deadline of one LLM call; a call past it is retried")
	fs.StringVar(&l.prices, "llm-prices", service.Str(env, "SYNTHDESK_LLM_PRICES", ""), "prices per million prompt/completion tokens by model, e.g. gpt-4o-mini=0.15/0.60; jobs then report their cost [SYNTHDESK_LLM_PRICES]")
}

// Finish applies the flags that complete others (--llm-url, the key file,
// the model and price lists) and validates the result, reporting every
// problem at once. Call it once, after parsing.
func (l *LLMFlags) Finish() error {
	errs := l.envErrs
	if l.URL != "" {
		switch l.Config.Default {
		case "ollama":
			l.Config.OllamaURL = l.URL
		case "openai":
			l.Config.OpenAIURL = l.URL
		default:
			errs = append(errs, fmt.Errorf("--llm-url needs --llm ollama or --llm openai, got --llm %s", l.Config.Default))
		}
	}
	if l.KeyFile != "" {
		b, err := os.ReadFile(l.KeyFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("openai api key file: %w", err))
		}
		l.Config.OpenAIKey = strings.TrimSpace(string(b))
	}
	l.Config.Models = service.SplitList(l.models)
	prices, err := llm.ParsePrices(l.prices)
	if err != nil {
		errs = append(errs, fmt.Errorf("--llm-prices: %w", err))
	}
	l.Config.Prices = prices
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return l.Config.Validate()
}

// Build returns the backend set; Finish must have succeeded.
func (l *LLMFlags) Build() (*LLMSet, error) {
	return NewLLMSet(l.Config)
}
