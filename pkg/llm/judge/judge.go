// Package judge scores a generated conversation from 1 to 5 with an LLM
// (LLM-as-judge): is it a realistic customer-service exchange that clearly
// expresses its intent? The validator records the score as quality_score
// and may reject records under a minimum. Judging is off unless a judge
// model is configured; it is never needed offline.
package judge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// Config selects the judge model.
type Config struct {
	// Backend is "ollama" or "openai" (any OpenAI-compatible server).
	Backend string
	BaseURL string
	Model   string
	// APIKey is the bearer token of an OpenAI-compatible server; never
	// logged.
	APIKey     string
	HTTPClient *http.Client
	// Timeout bounds one judgement (default 60s).
	Timeout time.Duration
}

// Judge scores conversations. Safe for concurrent use.
type Judge struct {
	model   llms.Model
	timeout time.Duration
	name    string
}

// ErrNoScore is returned when the judge's answer holds no score from 1 to 5.
var ErrNoScore = errors.New("judge answer has no score from 1 to 5")

// New builds a judge for cfg.
func New(cfg Config) (*Judge, error) {
	if cfg.BaseURL == "" || cfg.Model == "" {
		return nil, errors.New("judge: a base URL and a model are required")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	var m llms.Model
	var err error
	switch cfg.Backend {
	case "ollama":
		m, err = ollama.New(ollama.WithServerURL(cfg.BaseURL), ollama.WithModel(cfg.Model), ollama.WithFormat("json"), ollama.WithHTTPClient(hc))
	case "openai":
		key := cfg.APIKey
		if key == "" {
			key = "unused" // local servers need none; the client insists on one
		}
		m, err = openai.New(openai.WithToken(key), openai.WithBaseURL(cfg.BaseURL), openai.WithModel(cfg.Model),
			openai.WithHTTPClient(hc), openai.WithResponseFormat(openai.ResponseFormatJSON))
	default:
		return nil, fmt.Errorf("judge: backend %q is not one of ollama, openai", cfg.Backend)
	}
	if err != nil {
		return nil, fmt.Errorf("judge: cannot build the %s client", cfg.Backend)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	return &Judge{model: m, timeout: timeout, name: cfg.Backend + "/" + cfg.Model}, nil
}

// Name is "backend/model".
func (j *Judge) Name() string { return j.name }

const rubric = `You review synthetic customer-service conversations used to train intent classifiers.
Score the conversation from 1 to 5:
5 = realistic, coherent, clearly about the stated intent; 4 = good with small flaws;
3 = usable but bland or slightly off; 2 = confusing, unnatural or mostly off-intent; 1 = broken or not a customer-service exchange.
Answer with JSON only: {"score": <1-5>, "reason": "<one short sentence>"}`

// Score returns the judge's score for c, from 1 to 5.
func (j *Judge) Score(ctx context.Context, c *record.Conversation) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, j.timeout)
	defer cancel()
	resp, err := j.model.GenerateContent(ctx, []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, rubric),
		llms.TextParts(llms.ChatMessageTypeHuman, transcript(c)),
	}, llms.WithTemperature(0))
	if err != nil {
		return 0, fmt.Errorf("judge %s: %w", j.name, err)
	}
	if len(resp.Choices) == 0 {
		return 0, fmt.Errorf("judge %s: %w", j.name, ErrNoScore)
	}
	return parseScore(resp.Choices[0].Content)
}

func transcript(c *record.Conversation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Stated intent: %s\n\n", c.RequestedIntent)
	for _, t := range c.Turns {
		fmt.Fprintf(&b, "%s: %s\n", t.Role, t.Text)
	}
	return b.String()
}

var scorePattern = regexp.MustCompile(`"?score"?\s*[:=]\s*"?([1-5](?:\.[0-9]+)?)`)

// parseScore reads the score from a JSON answer, tolerating prose and
// fences around it.
func parseScore(answer string) (float64, error) {
	m := scorePattern.FindStringSubmatch(answer)
	if m == nil {
		return 0, ErrNoScore
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v < 1 || v > 5 {
		return 0, ErrNoScore
	}
	return v, nil
}
