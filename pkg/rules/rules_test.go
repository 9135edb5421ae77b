package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

type labelCase struct {
	Text   string `yaml:"text"`
	Intent string `yaml:"intent"`
}

func readCases(t *testing.T, name string) []labelCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var cases []labelCase
	if err := yaml.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cases
}

func defaultEngine(t testing.TB) *Engine {
	t.Helper()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(tax)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func checkCases(t *testing.T, e *Engine, cases []labelCase) {
	for _, c := range cases {
		t.Run(c.Text, func(t *testing.T) {
			r := e.ClassifyText(c.Text)
			if r.Intent != c.Intent {
				t.Errorf("ClassifyText(%q) = %s (%.2f, runner-up %s), want %s; rules: %+v",
					c.Text, r.Intent, r.Confidence, r.RunnerUp, c.Intent, e.Explain(c.Text))
			}
			if !(r.Confidence >= 0 && r.Confidence <= 1 && r.Margin >= 0 && r.Margin <= 1) {
				t.Errorf("confidence %v margin %v out of [0,1]", r.Confidence, r.Margin)
			}
		})
	}
}

func TestDefaultRules(t *testing.T) {
	checkCases(t, defaultEngine(t), readCases(t, "default_cases.yaml"))
}

func TestCustomTaxonomy(t *testing.T) {
	tax, err := taxonomy.Load(filepath.Join("testdata", "custom.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(tax)
	if err != nil {
		t.Fatal(err)
	}
	checkCases(t, e, readCases(t, "custom_cases.yaml"))
	if r := e.ClassifyText("prune the hedge"); r.Category != "CARE" {
		t.Errorf("category %q, want CARE", r.Category)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		spec taxonomy.RuleSpec
		cal  taxonomy.Calibration
		want []string
	}{
		{name: "empty phrase", spec: taxonomy.RuleSpec{Phrases: map[string]float64{"?!": 1}}, want: []string{`intent "x"`, `phrase "?!"`}},
		{name: "only articles", spec: taxonomy.RuleSpec{Phrases: map[string]float64{"the": 1}}, want: []string{`phrase "the"`}},
		{name: "bad regexp", spec: taxonomy.RuleSpec{Patterns: map[string]float64{"(oops": 1}}, want: []string{`intent "x"`, `pattern "(oops"`}},
		{name: "bad temperature", cal: taxonomy.Calibration{Temperature: -1}, want: []string{"temperature"}},
		{name: "bad threshold", cal: taxonomy.Calibration{Threshold: 1.5}, want: []string{"threshold"}},
		{name: "bad turn weight", cal: taxonomy.Calibration{TurnWeights: []float64{1, -2}}, want: []string{"turn weight"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tax := &taxonomy.Taxonomy{Intents: []taxonomy.Intent{{Name: "x", Category: "X", Rules: tt.spec}}, Calibration: tt.cal}
			_, err := Compile(tax)
			if err == nil {
				t.Fatal("Compile succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestTurnWeighting(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		name  string
		turns []record.Turn
		want  string
	}{
		{name: "opening turn wins", want: "track_order", turns: []record.Turn{
			{Role: record.RoleCustomer, Text: "where is my order? I need to track it"},
			{Role: record.RoleAgent, Text: "Sure."},
			{Role: record.RoleCustomer, Text: "also do you accept paypal"},
		}},
		{name: "agent turns ignored", want: "delivery_options", turns: []record.Turn{
			{Role: record.RoleCustomer, Text: "do you ship to Norway"},
			{Role: record.RoleAgent, Text: "You can cancel your order or request a refund at any time, refund refund refund."},
		}},
		{name: "no customer evidence", want: Unknown, turns: []record.Turn{
			{Role: record.RoleCustomer, Text: "hello there"},
			{Role: record.RoleAgent, Text: "Would you like to cancel your order?"},
		}},
		{name: "empty", want: Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.Classify(tt.turns).Intent; got != tt.want {
				t.Errorf("Classify = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	a, b := defaultEngine(t), defaultEngine(t)
	if a.Version() != b.Version() || !strings.HasPrefix(a.Version(), "rules-") {
		t.Fatalf("versions %q %q", a.Version(), b.Version())
	}
	tax, _ := taxonomy.Default()
	tax.Calibration.Temperature *= 2
	c, err := Compile(tax)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() == a.Version() {
		t.Error("version does not change with the calibration")
	}
}
