package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/eval"
)

// ChartEvalF1 is the data-chart name of the per-intent F1 chart, drawn
// only when the manifest has an evaluation (it is not in ChartNames).
const ChartEvalF1 = "eval-f1"

// evalView is the evaluation part of the report and the card: headline
// figures, per-intent F1 against the ceiling, and the top confusions.
type evalView struct {
	Summary    string
	Notes      []string
	Figures    table
	F1         chart
	Confusions table
}

// newEvalView builds the view of r, or nil when the job has no
// evaluation against a real sample.
func newEvalView(r *eval.Report) *evalView {
	if r == nil || r.Real == nil || len(r.Results) == 0 || r.Results[0].Transfer == nil {
		return nil
	}
	res, real := r.Results[0], r.Real
	text := map[string]string{"first": "the first customer turn", "customer": "all customer turns"}[r.Text]
	if text == "" {
		text = "the customer text"
	}
	v := &evalView{Summary: fmt.Sprintf("A linear classifier (TF-IDF word and character n-grams, logistic regression, seed %d) trained on %s of this dataset and tested on %d real requests of %d intents from %s; the ceiling is the same classifier %d-fold cross-validated on those real requests.",
		r.Seed, text, real.Evaluated, len(real.Intents), real.Source, real.Folds)}
	if len(real.Missing) > 0 {
		v.Notes = append(v.Notes, "Real intents the dataset lacks (left out): "+strings.Join(real.Missing, ", ")+".")
	}
	if len(real.Unused) > 0 {
		v.Notes = append(v.Notes, "Dataset intents the real sample lacks (not trained on): "+strings.Join(real.Unused, ", ")+".")
	}
	tr, ce, d, rd, mem := res.Transfer, real.Ceiling, res.Diversity, real.Diversity, res.Memorization
	v.Figures = table{Head: []string{"figure", "this dataset", "real sample"}, Rows: [][]string{
		{"macro-F1 (real: cross-validated ceiling)", f3(tr.MacroF1), f3(ce.MacroF1)},
		{"accuracy", f3(tr.Accuracy), f3(ce.Accuracy)},
		{"macro-F1 ratio to the ceiling", f3(res.Ratio), ""},
		{"unique-text ratio", f3(d.UniqueRatio), f3(rd.UniqueRatio)},
		{fmt.Sprintf("distinct-1 / -2 / -3 (on %d texts)", d.DistinctTexts), distinct3(d), distinct3(rd)},
		{"words p10 / p50 / p90", lengths(d.Words), lengths(rd.Words)},
	}}
	if res.Coverage != nil {
		v.Figures.Rows = append(v.Figures.Rows, []string{"real vocabulary covered (words / uses)", fmt.Sprintf("%s / %s", f3(res.Coverage.Types), f3(res.Coverage.Tokens)), ""})
	}
	if mem != nil {
		v.Figures.Rows = append(v.Figures.Rows,
			[]string{"verbatim copies of real texts (6+ words)", fmt.Sprint(mem.Verbatim), ""},
			[]string{"near-verbatim copies (word 3-gram Jaccard ≥ 0.8)", fmt.Sprint(mem.NearVerbatim), ""})
	}
	v.F1 = f1Chart(tr, ce)
	v.Confusions = table{Head: []string{"real intent", "predicted as", "rows"}}
	for _, c := range tr.Confusions {
		v.Confusions.Rows = append(v.Confusions.Rows, []string{c.True, c.Predicted, fmt.Sprint(c.Count)})
	}
	return v
}

// f1Chart draws each intent's F1 (bar) against the ceiling's (background);
// an intent more than 0.15 under its ceiling is drawn in the warning colour.
func f1Chart(tr *eval.Scores, ce eval.Scores) chart {
	var pts []point
	t := table{Head: []string{"intent", "F1", "ceiling F1", "precision", "recall", "real rows"}}
	for _, c := range ce.Intents {
		f, _ := tr.F1Of(c.Intent)
		pts = append(pts, point{Label: c.Intent, Value: milli(f), Ref: milli(c.F1), Warn: c.F1-f > 0.15})
		var p, r float64
		for _, is := range tr.Intents {
			if is.Intent == c.Intent {
				p, r = is.Precision, is.Recall
			}
		}
		t.Rows = append(t.Rows, []string{c.Intent, f2(f), f2(c.F1), f2(p), f2(r), fmt.Sprint(c.Support)})
	}
	ch := hbars(ChartEvalF1, "F1 per intent on real requests", pts, true, func(p point) string {
		return fmt.Sprintf("%.2f / %.2f", float64(p.Value)/1000, float64(p.Ref)/1000)
	})
	ch.Legend = []legendItem{{"bar", "trained on this dataset"}, {"ref", "ceiling (trained on real)"}, {"bar warn", "more than 0.15 under the ceiling"}}
	ch.Table = t
	return ch
}

func milli(f float64) int64 { return int64(math.Round(f * 1000)) }

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }
func f2(x float64) string { return fmt.Sprintf("%.2f", x) }

func distinct3(d eval.Diversity) string {
	return fmt.Sprintf("%.2f / %.2f / %.2f", d.Distinct1, d.Distinct2, d.Distinct3)
}

func lengths(l eval.Lengths) string { return fmt.Sprintf("%d / %d / %d", l.P10, l.P50, l.P90) }

// experimentLine names the experiment and variant of a request, or is
// empty.
func experimentLine(experiment, variant string) string {
	var parts []string
	if experiment != "" {
		parts = append(parts, "experiment "+experiment)
	}
	if variant != "" {
		parts = append(parts, "variant "+variant)
	}
	return strings.Join(parts, " · ")
}
