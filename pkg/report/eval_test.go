package report

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/synthdesk/synthdesk/pkg/eval"
)

// evalReport is a small evaluation: two intents, one far under its
// ceiling, and a confusion.
func evalReport() *eval.Report {
	tr := eval.Score([]string{"a", "a", "b", "b"}, []string{"a", "b", "b", "b"})
	return &eval.Report{Seed: 1, Text: "first",
		Real: &eval.Real{Source: "real<sample>.csv", Rows: 5, Evaluated: 4, Intents: []string{"a", "b"}, Missing: []string{"c"}, Folds: 5,
			Ceiling: eval.Score([]string{"a", "a", "b", "b"}, []string{"a", "a", "b", "b"})},
		Results: []eval.Result{{Name: "job", Rows: 10, Transfer: &tr, Ratio: tr.MacroF1,
			Memorization: &eval.Memorization{Texts: 10, Verbatim: 2, NearVerbatim: 3}}},
	}
}

func TestHTMLEval(t *testing.T) {
	m, samples := fixture(t)
	doc, _ := render(t, m, samples)
	if n := find(doc, func(n *html.Node) bool { return attr(n, "id") == "eval" }); len(n) != 0 {
		t.Fatal("a job without an evaluation shows an eval section")
	}
	m.Eval = evalReport()
	m.Request.Experiment, m.Request.Variant = "noise", "heavy"
	doc, _ = render(t, m, samples)
	sec := find(doc, func(n *html.Node) bool { return attr(n, "id") == "eval" })
	if len(sec) != 1 {
		t.Fatal("no eval section")
	}
	body := text(sec[0])
	for _, want := range []string{"real<sample>.csv", "left out): c.", "0.733", "verbatim copies of real texts (6+ words)2", "Top confusions", "ab1"} {
		if !strings.Contains(body, want) {
			t.Errorf("eval section lacks %q:\n%s", want, body)
		}
	}
	svgs := find(sec[0], func(n *html.Node) bool { return attr(n, "data-chart") == ChartEvalF1 })
	if len(svgs) != 1 {
		t.Fatal("no F1 chart")
	}
	rows := find(svgs[0], func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "row") })
	if len(rows) != 2 {
		t.Fatalf("%d chart rows, want one per intent", len(rows))
	}
	// a: F1 2/3 against a ceiling of 1 is more than 0.15 under it.
	warn := find(rows[0], func(n *html.Node) bool { return n.Data == "rect" && hasClass(n, "warn") })
	if len(warn) != 1 || !strings.Contains(text(rows[0]), "0.67 / 1.00") {
		t.Errorf("intent a: warn bars %d, text %q", len(warn), text(rows[0]))
	}
	if sub := find(doc, func(n *html.Node) bool { return hasClass(n, "sub") }); !strings.Contains(text(sub[0]), "experiment noise · variant heavy") {
		t.Errorf("header %q does not name the experiment", text(sub[0]))
	}
}

func TestCardEval(t *testing.T) {
	m, _ := fixture(t)
	if strings.Contains(card(t, m), "Usefulness on real requests") {
		t.Fatal("a job without an evaluation has an eval section")
	}
	m.Eval = evalReport()
	m.Request.Experiment = "noise"
	c := card(t, m)
	for _, want := range []string{"## Usefulness on real requests", "Part of experiment noise.", "| macro-F1 (real: cross-validated ceiling) | 0.733 | 1.000 |",
		"| `a` | 0.67 | 1.00 | 1.00 | 0.50 | 2 |", "| `a` | `b` | 1 |"} {
		if !strings.Contains(c, want) {
			t.Errorf("card lacks %q", want)
		}
	}
}
