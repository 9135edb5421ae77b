package prompt

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

func defaultTaxonomy(t testing.TB) *taxonomy.Taxonomy {
	t.Helper()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// spec builds a spec for the named default intent with fully drawn axes.
func spec(t testing.TB, tax *taxonomy.Taxonomy, name string, seed int64) llm.Spec {
	t.Helper()
	in, ok := tax.Lookup(name)
	if !ok {
		t.Fatalf("no intent %q", name)
	}
	return llm.Spec{
		Intent: in,
		Axes: record.Axes{
			AgeBand: "35_49", TechComfort: "low", Mood: "anxious",
			Channel: "email", Tone: "formal", Domain: "pet_supplies", Turns: 4,
		},
		MinTurns: 2, MaxTurns: 6, Seed: seed,
	}
}

func render(t testing.TB, opt Options, specs ...llm.Spec) Prompt {
	t.Helper()
	p, err := Render(llm.Call{Specs: specs}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
