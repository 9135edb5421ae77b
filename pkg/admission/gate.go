package admission

import (
	"github.com/synthdesk/synthdesk/pkg/classify"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Disagreement policies.
const (
	DisagreeReject  = "reject"
	DisagreeRelabel = "relabel"
	DisagreeKeep    = "keep"
)

// ReasonGenerationFailed rejects a slot the backend could not fill.
const ReasonGenerationFailed = "generation_failed"

// LabelGate applies the job's label policy to c and returns the label
// reasons to reject it: generation failure, low confidence or abstention,
// disagreement with the requested intent (policy reject), and a noise flip
// (flip policy reject). With policy keep, the requested intent stays the
// label and the record keeps its disagreement flag.
func LabelGate(c *record.Conversation, r *record.Request, tax *taxonomy.Taxonomy) []string {
	if c.GenerationError != "" {
		return []string{ReasonGenerationFailed}
	}
	var reasons []string
	if c.Intent == rules.Unknown || c.Confidence < *r.Quality.MinConfidence {
		reasons = append(reasons, quality.ReasonLowConfidence)
	}
	if c.Intent != c.RequestedIntent {
		switch r.Quality.Disagreement {
		case DisagreeKeep:
			c.Intent = c.RequestedIntent
			if in, ok := tax.Lookup(c.Intent); ok {
				c.Category = in.Category
			}
			reasons = removeReason(reasons, quality.ReasonLowConfidence)
		case DisagreeRelabel:
		default:
			reasons = append(reasons, quality.ReasonDisagreement)
		}
	}
	if r.Noise.FlipPolicy == classify.FlipReject && hasFlag(c.LabelFlags, classify.FlagNoiseFlip) {
		reasons = append(reasons, quality.ReasonNoiseFlip)
	}
	return reasons
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

func removeReason(rs []string, r string) []string {
	out := rs[:0]
	for _, x := range rs {
		if x != r {
			out = append(out, x)
		}
	}
	return out
}
