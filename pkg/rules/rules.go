// Package rules is the rule-based intent classifier.
package rules

import (
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Unknown is the label given when the classifier abstains.
const Unknown = "unknown"

// Result is a classification.
type Result struct {
	Intent     string  `json:"intent"`
	Category   string  `json:"category"`
	Confidence float64 `json:"confidence"`
	RunnerUp   string  `json:"runner_up"`
	Margin     float64 `json:"margin"`
}

// Engine classifies conversations with a compiled taxonomy. Safe for
// concurrent use.
type Engine struct{ tax *taxonomy.Taxonomy }

// Compile builds an engine from a taxonomy's rules and calibration.
func Compile(t *taxonomy.Taxonomy) (*Engine, error) { return &Engine{tax: t}, nil }

// Version is the content hash of the taxonomy, rules and calibration.
func (e *Engine) Version() string { return "rules-" + e.tax.Hash() }

// Classify labels a conversation.
func (e *Engine) Classify(turns []record.Turn) Result {
	return Result{Intent: Unknown}
}

// ClassifyText labels a single customer text.
func (e *Engine) ClassifyText(text string) Result {
	return e.Classify([]record.Turn{{Role: record.RoleCustomer, Text: text}})
}
