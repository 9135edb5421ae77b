package rules

import (
	"cmp"
	"slices"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Example is one labeled text for evaluation and calibration.
type Example struct {
	Text  string `json:"text"`
	Label string `json:"label"`
}

// Report is the quality of an engine on a labeled set. Abstentions count
// as errors for accuracy and recall.
type Report struct {
	Examples    int             `json:"examples"`
	Accuracy    float64         `json:"accuracy"`
	MacroF1     float64         `json:"macro_f1"`
	ECE         float64         `json:"ece"`
	AbstainRate float64         `json:"abstain_rate"`
	PerIntent   []IntentMetrics `json:"per_intent"`
	Confusions  []Confusion     `json:"confusions"`
	Rules       []RuleStats     `json:"rules,omitempty"`
}

// IntentMetrics are precision, recall and F1 of one intent.
type IntentMetrics struct {
	Intent    string  `json:"intent"`
	Support   int     `json:"support"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Confusion counts examples of Label predicted as Predicted.
type Confusion struct {
	Label     string `json:"label"`
	Predicted string `json:"predicted"`
	Count     int    `json:"count"`
}

// Evaluate classifies every example as a single customer turn and scores
// the results. ECE uses 10 equal-width bins of the top intent's
// probability against whether the top intent is right (abstained or not).
func (e *Engine) Evaluate(examples []Example) Report {
	r := Report{Examples: len(examples)}
	tp, fp, support := map[string]int{}, map[string]int{}, map[string]int{}
	conf := map[[2]string]int{}
	var bins [10]struct {
		n, correct int
		conf       float64
	}
	for _, ex := range examples {
		res := e.Classify([]record.Turn{{Role: record.RoleCustomer, Text: ex.Text}})
		guess := res.Intent
		if guess == Unknown {
			guess = res.RunnerUp
			r.AbstainRate++
		}
		b := min(int(res.Confidence*10), 9)
		bins[b].n++
		bins[b].conf += res.Confidence
		if guess == ex.Label {
			bins[b].correct++
		}
		support[ex.Label]++
		if res.Intent == ex.Label {
			tp[ex.Label]++
			continue
		}
		fp[res.Intent]++
		conf[[2]string{ex.Label, res.Intent}]++
	}
	n := float64(max(len(examples), 1))
	r.AbstainRate /= n
	for _, b := range bins {
		if b.n > 0 {
			r.ECE += abs(b.conf/float64(b.n)-float64(b.correct)/float64(b.n)) * float64(b.n) / n
		}
	}
	r.PerIntent, r.Accuracy, r.MacroF1 = perIntent(e.names, tp, fp, support, n)
	for k, c := range conf {
		r.Confusions = append(r.Confusions, Confusion{k[0], k[1], c})
	}
	slices.SortFunc(r.Confusions, func(a, b Confusion) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Label, b.Label), cmp.Compare(a.Predicted, b.Predicted))
	})
	return r
}

func perIntent(names []string, tp, fp, support map[string]int, n float64) ([]IntentMetrics, float64, float64) {
	var out []IntentMetrics
	var correct, f1sum float64
	for _, name := range names {
		if support[name] == 0 && fp[name] == 0 {
			continue
		}
		m := IntentMetrics{Intent: name, Support: support[name]}
		m.Precision = ratio(tp[name], tp[name]+fp[name])
		m.Recall = ratio(tp[name], support[name])
		if m.Precision+m.Recall > 0 {
			m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
		}
		correct += float64(tp[name])
		f1sum += m.F1
		out = append(out, m)
	}
	return out, correct / n, f1sum / float64(max(len(out), 1))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
