// Package llm is the generator's view of a language model: a Backend writes
// customer-service conversations to a Spec. Backends are the offline
// synthesizer (the embedded default) and real servers reached through
// langchaingo (Ollama's native API and any OpenAI-compatible server).
package llm

import (
	"context"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Spec asks for one conversation.
type Spec struct {
	Intent *taxonomy.Intent
	// Axes are the diversity axes drawn for this conversation; Axes.Turns
	// is the number of turns to aim for.
	Axes record.Axes
	// MinTurns and MaxTurns are the request's hard bounds.
	MinTurns, MaxTurns int
	// Seed makes the conversation reproducible where the backend allows.
	Seed int64
}

// Call is one request to a backend for one or more conversations.
type Call struct {
	Specs []Spec
	// Taxonomy is the one the specs' intents belong to; backends whose
	// material comes from it version their output by it (nil: default).
	Taxonomy    *taxonomy.Taxonomy
	Model       string
	Temperature *float64
	TopP        *float64
	MaxTokens   int
}

// Draft is one conversation as a backend wrote it, aligned with its Spec.
type Draft struct {
	Turns []record.Turn
	// Tags name the linguistic variations the backend wrote on purpose,
	// "LETTER:name" with a Bitext variation letter ("I:form_question",
	// "Q:register_colloquial"); the record's noise_tags start with them.
	Tags []string
	// Err says why this conversation is unusable (unparseable, missing,
	// wrong shape); the generator regenerates it. Nil for a usable draft.
	Err error
}

// Usage is what a call cost.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	// Estimated is true when the server did not report token counts.
	Estimated bool    `json:"estimated,omitempty"`
	Seconds   float64 `json:"seconds"`
	Calls     int     `json:"calls"`
	Retries   int     `json:"retries"`
	// Errors counts failed attempts by kind (rate_limited, server, ...).
	Errors map[ErrorKind]int `json:"errors,omitempty"`
}

// Add accumulates o into u.
func (u *Usage) Add(o Usage) {
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.Estimated = u.Estimated || o.Estimated
	u.Seconds += o.Seconds
	u.Calls += o.Calls
	u.Retries += o.Retries
	for k, n := range o.Errors {
		u.countError(k, n)
	}
}

func (u *Usage) countError(k ErrorKind, n int) {
	if u.Errors == nil {
		u.Errors = map[ErrorKind]int{}
	}
	u.Errors[k] += n
}

// Result is the answer to a Call: one Draft per Spec, in order.
type Result struct {
	Drafts []Draft
	Usage  Usage
	// PromptVersion identifies what produced the drafts (the prompt as
	// sent, the material used); empty means Backend.PromptVersion().
	PromptVersion string
}

// Backend writes conversations. Implementations are safe for concurrent use.
type Backend interface {
	// Generate answers call. A non-nil error means the whole call failed
	// and nothing in Result is usable; problems of single conversations
	// are reported in Draft.Err instead.
	Generate(ctx context.Context, call Call) (Result, error)
	// Name is the value of the record's generator field, "backend/model".
	Name(model string) string
	// PromptVersion identifies the prompt templates or material used.
	PromptVersion() string
}
