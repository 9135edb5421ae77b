// Package classify is the classifier stage's logic: it labels a
// conversation with the rules engine, adds seeded noise to the customer
// turns, labels it again, and applies the flip policy when noise changed
// the label.
package classify

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/synthdesk/synthdesk/pkg/noise"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
)

// Label flags written on records.
const (
	FlagDisagreement = "disagreement"
	FlagNoiseFlip    = "noise_flip"
)

// Flip policies: what happens when noise changes the rule label.
const (
	FlipKeep   = "keep"   // keep noisy text and the clean label, flag noise_flip
	FlipDrop   = "drop"   // remove the noise, keep the clean text and label
	FlipReject = "reject" // keep noisy text, flag noise_flip; the gate rejects it
)

// Settings are a job's classification settings.
type Settings struct {
	Noise      noise.Profile
	FlipPolicy string
}

// NewSettings resolves a request's noise options.
func NewSettings(r *record.Request) (Settings, error) {
	p, err := noise.Resolve(r.Noise.Profile, r.Noise.Rates)
	if err != nil {
		return Settings{}, fmt.Errorf("noise: %w", err)
	}
	return Settings{Noise: p, FlipPolicy: r.Noise.FlipPolicy}, nil
}

// Label fills the label fields of c and applies noise to its customer
// turns, and reports whether noise changed the rule label (the flip policy
// then decided what was kept). The result depends only on c's content,
// seed, slot and attempt.
func Label(e *rules.Engine, s Settings, c *record.Conversation) (flipped bool) {
	clean := e.Classify(c.Turns)
	cleanTurns := slices.Clone(c.Turns)
	rng := rand.New(rand.NewPCG(uint64(record.SlotSeed(c.Seed, c.Slot, c.Attempt)), 0x9015e))
	var tags []string
	// The generator's tags (forms and registers it wrote on purpose) stay;
	// noise adds its own.
	written := c.NoiseTags
	for i := range c.Turns {
		if c.Turns[i].Role != record.RoleCustomer {
			continue
		}
		text, applied := noise.Apply(rng, c.Turns[i].Text, s.Noise)
		c.Turns[i].Text = text
		tags = appendUnique(tags, applied...)
	}
	label := clean
	if len(tags) > 0 {
		noisy := e.Classify(c.Turns)
		label = noisy
		if noisy.Intent != clean.Intent {
			flipped = true
			switch s.FlipPolicy {
			case FlipDrop:
				c.Turns, tags, label = cleanTurns, nil, clean
			case FlipKeep:
				label = clean
				c.LabelFlags = appendUnique(c.LabelFlags, FlagNoiseFlip)
			default: // FlipReject
				c.LabelFlags = appendUnique(c.LabelFlags, FlagNoiseFlip)
			}
		}
	}
	c.NoiseTags = appendUnique(slices.Clone(written), tags...)
	if c.NoiseTags == nil {
		c.NoiseTags = []string{}
	}
	c.Intent, c.Category = label.Intent, label.Category
	c.Confidence, c.RunnerUp, c.Margin = label.Confidence, label.RunnerUp, label.Margin
	c.RulesVersion = e.Version()
	if c.Intent != c.RequestedIntent {
		c.LabelFlags = appendUnique(c.LabelFlags, FlagDisagreement)
	}
	if c.LabelFlags == nil {
		c.LabelFlags = []string{}
	}
	return flipped
}

func appendUnique(dst []string, vals ...string) []string {
	for _, v := range vals {
		if !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}
