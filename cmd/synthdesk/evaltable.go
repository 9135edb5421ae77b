package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/synthdesk/synthdesk/pkg/eval"
)

// writeEvalTable prints an evaluation as aligned columns: one per dataset
// (A, B, ...) and, with a real sample, one for it.
func writeEvalTable(w io.Writer, rep eval.Report) error {
	textName := map[string]string{"first": "first customer turn", "customer": "all customer turns"}[rep.Text]
	for i, r := range rep.Results {
		trained := ""
		if rep.Real != nil && r.TrainRows != r.Rows {
			trained = fmt.Sprintf(", %d trained on", r.TrainRows)
		}
		fmt.Fprintf(w, "%s  %s  (%d rows%s%s)\n", col(i), r.Name, r.Rows, trained, names(r))
	}
	fmt.Fprintf(w, "text: %s; seed %d\n", textName, rep.Seed)
	if rr := rep.Real; rr != nil {
		fmt.Fprintf(w, "real sample: %s, %d rows; %d rows of %d intents evaluated\n", rr.Source, rr.Rows, rr.Evaluated, len(rr.Intents))
		if len(rr.Missing) > 0 {
			fmt.Fprintf(w, "  left out (real intents not in every dataset): %s\n", strings.Join(rr.Missing, ", "))
		}
		if len(rr.Unused) > 0 {
			fmt.Fprintf(w, "  not trained on (dataset intents the real sample lacks): %s\n", strings.Join(rr.Unused, ", "))
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name string, cells []string, real string) {
		// Names stay left-aligned; tabwriter right-aligns the figures.
		fmt.Fprintf(tw, "%-32s\t%s\t", name, strings.Join(cells, "\t"))
		if rep.Real != nil {
			fmt.Fprintf(tw, "%s\t", real)
		}
		fmt.Fprintln(tw)
	}
	each := func(f func(eval.Result) string) []string {
		out := make([]string, len(rep.Results))
		for i, r := range rep.Results {
			out[i] = f(r)
		}
		return out
	}
	head := each(func(eval.Result) string { return "" })
	for i := range head {
		head[i] = col(i)
	}
	row("", head, "real")
	if rep.Real != nil {
		writeTransfer(row, each, rep)
	}
	writeDiversity(row, each, rep)
	row("label agreement (manifest)", each(func(r eval.Result) string {
		if r.Job == nil {
			return "-"
		}
		return f3(r.Job.LabelAgreement)
	}), "")
	row("confidence >= 0.9 (manifest)", each(func(r eval.Result) string {
		if r.Job == nil {
			return "-"
		}
		return f3(share(r.Job.Confidence, 9))
	}), "")
	if err := tw.Flush(); err != nil {
		return err
	}
	if rep.Real == nil {
		return nil
	}
	writeIntents(w, rep)
	for i, r := range rep.Results {
		fmt.Fprintf(w, "\ntop confusions of %s (true -> predicted, real rows):\n", col(i))
		for _, c := range r.Transfer.Confusions {
			fmt.Fprintf(w, "  %-28s -> %-28s %d\n", c.True, c.Predicted, c.Count)
		}
	}
	return nil
}

type rowFunc func(name string, cells []string, real string)
type eachFunc func(func(eval.Result) string) []string

func writeTransfer(row rowFunc, each eachFunc, rep eval.Report) {
	row("train synthetic, test real:", nil, "")
	row("  accuracy", each(func(r eval.Result) string { return f3(r.Transfer.Accuracy) }), f3(rep.Real.Ceiling.Accuracy))
	row("  macro-F1 (real: CV ceiling)", each(func(r eval.Result) string { return f3(r.Transfer.MacroF1) }), f3(rep.Real.Ceiling.MacroF1))
	row("  ratio to ceiling", each(func(r eval.Result) string { return f2(r.Ratio) }), "")
	if len(rep.Results) > 1 {
		row("  macro-F1 minus A", each(func(r eval.Result) string {
			if r.Difference == nil {
				return "-"
			}
			return fmt.Sprintf("%+.3f", r.Difference.MacroF1)
		}), "")
		row("  95% interval", each(func(r eval.Result) string {
			if r.Difference == nil {
				return "-"
			}
			return fmt.Sprintf("[%+.3f, %+.3f]", r.Difference.Low, r.Difference.High)
		}), "")
		row("  significant", each(func(r eval.Result) string {
			if r.Difference == nil {
				return "-"
			}
			return map[bool]string{true: "yes", false: "no"}[r.Difference.Significant]
		}), "")
	}
	row("memorization:", nil, "")
	row("  verbatim copies (6+ words)", each(func(r eval.Result) string { return fmt.Sprint(r.Memorization.Verbatim) }), "")
	row("  near-verbatim (3-gram J>=0.8)", each(func(r eval.Result) string { return fmt.Sprint(r.Memorization.NearVerbatim) }), "")
	row("  mean nearest-real Jaccard", each(func(r eval.Result) string { return f3(r.Memorization.MeanNearest) }), "")
}

func writeDiversity(row rowFunc, each eachFunc, rep eval.Report) {
	var rd eval.Diversity
	if rep.Real != nil {
		rd = rep.Real.Diversity
	}
	rf := func(f func(eval.Diversity) string) string {
		if rep.Real == nil {
			return ""
		}
		return f(rd)
	}
	row("diversity:", nil, "")
	row("  unique-text ratio", each(func(r eval.Result) string { return f3(r.Diversity.UniqueRatio) }), rf(func(d eval.Diversity) string { return f3(d.UniqueRatio) }))
	row(fmt.Sprintf("  distinct-1/2/3 (%s texts)", sampleSize(rep)), each(func(r eval.Result) string { return distinct(r.Diversity) }), rf(distinct))
	row("  words p10/p50/p90", each(func(r eval.Result) string { return lengths(r.Diversity.Words) }), rf(func(d eval.Diversity) string { return lengths(d.Words) }))
	row("  vocabulary (words)", each(func(r eval.Result) string { return fmt.Sprint(r.Diversity.Vocabulary) }), rf(func(d eval.Diversity) string { return fmt.Sprint(d.Vocabulary) }))
	if rep.Real != nil {
		row("  real vocabulary covered", each(func(r eval.Result) string { return f3(r.Coverage.Types) }), "")
		row("  real word uses covered", each(func(r eval.Result) string { return f3(r.Coverage.Tokens) }), "")
	}
}

func writeIntents(w io.Writer, rep eval.Report) {
	fmt.Fprintln(w, "\nper-intent F1 (synthetic -> real; real: CV ceiling):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-28s\t", "intent")
	for i := range rep.Results {
		fmt.Fprintf(tw, "%s\t", col(i))
	}
	fmt.Fprintln(tw, "real\tsupport\t")
	for _, is := range rep.Real.Ceiling.Intents {
		fmt.Fprintf(tw, "%-28s\t", is.Intent)
		for _, r := range rep.Results {
			f, _ := r.Transfer.F1Of(is.Intent)
			fmt.Fprintf(tw, "%s\t", f2(f))
		}
		fmt.Fprintf(tw, "%s\t%d\t\n", f2(is.F1), is.Support)
	}
	tw.Flush()
}

func names(r eval.Result) string {
	var s string
	if r.Experiment != "" {
		s += ", experiment " + r.Experiment
	}
	if r.Variant != "" {
		s += ", variant " + r.Variant
	}
	return s
}

// col names the i-th dataset's column: A, B, ..., Z, D27, ...
func col(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprintf("D%d", i+1)
}

func sampleSize(rep eval.Report) string {
	if len(rep.Results) == 0 {
		return "0"
	}
	return fmt.Sprint(rep.Results[0].Diversity.DistinctTexts)
}

func distinct(d eval.Diversity) string {
	return fmt.Sprintf("%.2f/%.2f/%.2f", d.Distinct1, d.Distinct2, d.Distinct3)
}

func lengths(l eval.Lengths) string { return fmt.Sprintf("%d/%d/%d", l.P10, l.P50, l.P90) }

func share(hist []int64, from int) float64 {
	var n, all int64
	for i, c := range hist {
		all += c
		if i >= from {
			n += c
		}
	}
	if all == 0 {
		return 0
	}
	return float64(n) / float64(all)
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }
func f2(x float64) string { return fmt.Sprintf("%.2f", x) }
