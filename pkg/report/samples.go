package report

import (
	"fmt"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// SamplesPerIntent bounds the sample conversations shown per intent, so a
// caller passing more cannot make the report grow without limit.
const SamplesPerIntent = 3

// sample is one conversation shown as chat bubbles.
type sample struct {
	ID, Intent, Requested, Meta string
	Tags                        []string
	Turns                       []record.Turn
}

// pickSamples keeps up to SamplesPerIntent conversations of each intent,
// ordered by the job's quotas and then by their order in samples.
func pickSamples(m dataset.Manifest, convs []record.Conversation) []sample {
	rank := make(map[string]int, len(m.Requested))
	for i, q := range m.Requested {
		rank[q.Intent] = i
	}
	byIntent := map[string][]sample{}
	var order []string
	for i := range convs {
		c := &convs[i]
		if len(byIntent[c.Intent]) >= SamplesPerIntent {
			continue
		}
		if _, ok := byIntent[c.Intent]; !ok {
			order = append(order, c.Intent)
		}
		byIntent[c.Intent] = append(byIntent[c.Intent], toSample(c))
	}
	// Stable insertion by quota rank; intents outside the quotas go last
	// in the order they came.
	sorted := make([]string, 0, len(order))
	for _, q := range m.Requested {
		if _, ok := byIntent[q.Intent]; ok {
			sorted = append(sorted, q.Intent)
		}
	}
	for _, name := range order {
		if _, ok := rank[name]; !ok {
			sorted = append(sorted, name)
		}
	}
	var out []sample
	for _, name := range sorted {
		out = append(out, byIntent[name]...)
	}
	return out
}

func toSample(c *record.Conversation) sample {
	s := sample{ID: c.ConversationID, Intent: c.Intent, Turns: c.Turns}
	if c.RequestedIntent != c.Intent {
		s.Requested = c.RequestedIntent
	}
	parts := []string{fmt.Sprintf("confidence %.2f", c.Confidence)}
	if c.RunnerUp != "" {
		parts = append(parts, fmt.Sprintf("runner-up %s (margin %.2f)", c.RunnerUp, c.Margin))
	}
	for _, v := range []string{c.Split, c.Axes.Channel, c.Axes.Mood, c.Axes.Domain} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	s.Meta = strings.Join(parts, " · ")
	s.Tags = append(append(s.Tags, c.NoiseTags...), c.LabelFlags...)
	return s
}
