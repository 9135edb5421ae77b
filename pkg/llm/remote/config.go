package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
)

// ErrModelNotAllowed is wrapped by the error for a model outside the
// allow-list.
var ErrModelNotAllowed = errors.New("model not allowed")

// Prompt is a rendered call: the chat messages, the JSON Schema of the
// expected answer (nil: plain JSON mode) and the version that identifies
// the text sent, recorded as the records' prompt_version.
type Prompt struct {
	System, User string
	Schema       json.RawMessage
	Version      string
}

// RenderFunc turns a call into its prompt.
type RenderFunc func(llm.Call) (Prompt, error)

// ParseFunc turns a model's answer into one draft per spec of call.
type ParseFunc func(answer string, call llm.Call) []llm.Draft

// Config configures a remote backend. The caller fills it from flags,
// environment or files; the package reads none of them.
type Config struct {
	// BaseURL is the server, e.g. http://localhost:11434 for Ollama or
	// http://localhost:8000/v1 for an OpenAI-compatible server.
	BaseURL string
	// Model is used when a Call names none.
	Model string
	// Models is the allow-list; empty allows only Model.
	Models []string
	// APIKey is sent as a bearer token (OpenAI-compatible only). It never
	// appears in errors or logs.
	APIKey string
	// HTTPClient carries the calls; nil means NewHTTPClient(16). Give it
	// MaxIdleConnsPerHost >= the concurrency you run.
	HTTPClient *http.Client
	// Timeout is the deadline of one call (0: only the caller's context).
	Timeout time.Duration
	// Render builds the prompt (required).
	Render RenderFunc
	// PromptVersion is reported by the backend, and on a call's records
	// when its Prompt has no Version.
	PromptVersion string
	// Parse reads the answer; nil means parse.ForIntents on the specs'
	// intent names.
	Parse ParseFunc
}

// Validate reports every configuration problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.BaseURL == "" {
		errs = append(errs, errors.New("base URL is empty: set the server address"))
	}
	if c.Model == "" {
		errs = append(errs, errors.New("model is empty: name the default model"))
	}
	if c.Render == nil {
		errs = append(errs, errors.New("render function is nil"))
	}
	if c.Model != "" && len(c.Models) > 0 && !slices.Contains(c.Models, c.Model) {
		errs = append(errs, c.notAllowed(c.Model))
	}
	return errors.Join(errs...)
}

// model returns the model of call, checked against the allow-list.
func (c Config) model(call llm.Call) (string, error) {
	m := call.Model
	if m == "" {
		m = c.Model
	}
	allowed := c.Models
	if len(allowed) == 0 {
		allowed = []string{c.Model}
	}
	if !slices.Contains(allowed, m) {
		return "", c.notAllowed(m)
	}
	return m, nil
}

func (c Config) notAllowed(m string) error {
	allowed := c.Models
	if len(allowed) == 0 {
		allowed = []string{c.Model}
	}
	return fmt.Errorf("%w: %q; allowed: %s", ErrModelNotAllowed, m, strings.Join(allowed, ", "))
}
