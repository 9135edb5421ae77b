// Package quality holds the checks of the quality gate: structure, schema,
// language, PII, duplicate fingerprints, and the dataset statistics
// reported in the manifest.
package quality

import "github.com/synthdesk/synthdesk/pkg/record"

// Rejection reasons.
const (
	ReasonRoleOrder     = "role_order"
	ReasonTurnCount     = "turn_count"
	ReasonEmptyTurn     = "empty_turn"
	ReasonLength        = "length"
	ReasonPlaceholder   = "placeholder"
	ReasonMetaTalk      = "meta_talk"
	ReasonNotEnglish    = "not_english"
	ReasonSchema        = "schema"
	ReasonPII           = "pii"
	ReasonLowConfidence = "low_confidence"
	ReasonDisagreement  = "label_disagreement"
	ReasonNoiseFlip     = "noise_flip"
	ReasonDuplicate     = "duplicate"
	ReasonNearDuplicate = "near_duplicate"
	ReasonQuotaFull     = "quota_full"
)

// Config bounds a job's conversations.
type Config struct {
	MinTurns, MaxTurns int
	// PII is "scrub" or "reject".
	PII string
}

// Checker runs the per-record checks. Safe for concurrent use.
type Checker struct{ cfg Config }

// NewChecker returns a checker for cfg.
func NewChecker(cfg Config) (*Checker, error) { return &Checker{cfg: cfg}, nil }

// Check runs the structure, schema, language and PII checks. With PII
// "scrub" it rewrites offending text in place and sets PIIScrubbed. It
// returns the rejection reasons (nil when the record passes) and a detail
// for humans.
func (c *Checker) Check(conv *record.Conversation) (reasons []string, detail string) {
	return nil, ""
}

// Fingerprint identifies a customer text for duplicate detection.
type Fingerprint struct {
	Exact   uint64   `json:"x"`
	MinHash []uint32 `json:"m,omitempty"`
}

// NewFingerprint fingerprints normalized customer text.
func NewFingerprint(text string) Fingerprint { return Fingerprint{} }

// Index finds exact and near duplicates among the fingerprints added to it.
// Not safe for concurrent use.
type Index struct{}

// NewIndex returns an index for the near-duplicate threshold.
func NewIndex(threshold float64) *Index { return &Index{} }

// Match returns the id of an earlier record fp duplicates and the reason
// (ReasonDuplicate or ReasonNearDuplicate).
func (ix *Index) Match(fp Fingerprint) (id, reason string, ok bool) { return "", "", false }

// Add records fp under id.
func (ix *Index) Add(id string, fp Fingerprint) {}
