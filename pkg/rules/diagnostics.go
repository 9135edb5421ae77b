package rules

import (
	"cmp"
	"slices"
)

// RuleStats describes one rule as a labeling function on a labeled set, in
// the manner of Snorkel's LF analysis: Coverage is the share of examples
// it fires on; Overlap the share where it fires together with any other
// rule; Conflict the share where a rule of another intent fires with it;
// Accuracy is the share of its firings whose
// label is the rule's intent.
type RuleStats struct {
	Rule     string  `json:"rule"`
	Intent   string  `json:"intent"`
	Weight   float64 `json:"weight"`
	Fires    int     `json:"fires"`
	Coverage float64 `json:"coverage"`
	Overlap  float64 `json:"overlap"`
	Conflict float64 `json:"conflict"`
	Accuracy float64 `json:"accuracy"`
}

// Diagnostics returns the statistics of every rule that fires at least
// once on examples, least accurate first.
func (e *Engine) Diagnostics(examples []Example) []RuleStats {
	nr := e.rules()
	fires, overlaps, conflicts, right := make([]int, nr), make([]int, nr), make([]int, nr), make([]int, nr)
	for _, ex := range examples {
		ids := e.fired(ex.Text, false)
		for _, id := range ids {
			fires[id]++
			in := e.ruleIntent(id)
			if e.names[in] == ex.Label {
				right[id]++
			}
			other, disagree := false, false
			for _, o := range ids {
				if o == id {
					continue
				}
				other = true
				if e.ruleIntent(o) != in {
					disagree = true
				}
			}
			if other {
				overlaps[id]++
			}
			if disagree {
				conflicts[id]++
			}
		}
	}
	n := float64(max(len(examples), 1))
	var out []RuleStats
	for id := range nr {
		if fires[id] == 0 {
			continue
		}
		out = append(out, RuleStats{
			Rule: e.ruleText(id), Intent: e.names[e.ruleIntent(id)], Weight: e.ruleWeight(id),
			Fires: fires[id], Coverage: float64(fires[id]) / n, Overlap: float64(overlaps[id]) / n,
			Conflict: float64(conflicts[id]) / n, Accuracy: ratio(right[id], fires[id]),
		})
	}
	slices.SortFunc(out, func(a, b RuleStats) int {
		return cmp.Or(cmp.Compare(a.Accuracy, b.Accuracy), b.Fires-a.Fires, cmp.Compare(a.Rule, b.Rule))
	})
	return out
}
