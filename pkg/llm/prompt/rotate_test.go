package prompt

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
)

// With one example per prompt, seeds rotate through every example of an
// intent and none is shown much more often than the others.
func TestRotationCoversEveryExample(t *testing.T) {
	tax := defaultTaxonomy(t)
	const seeds = 600
	for _, name := range tax.Names() {
		t.Run(name, func(t *testing.T) {
			in, _ := tax.Lookup(name)
			count := make([]int, len(in.Examples))
			for seed := range int64(seeds) {
				got := pickExamples([]llm.Spec{spec(t, tax, name, seed)}, 1)
				if len(got) != 1 || got[0].intent != in {
					t.Fatalf("seed %d: picked %v", seed, got)
				}
				count[got[0].index]++
			}
			fair := seeds / len(in.Examples)
			for i, c := range count {
				if c < fair*2/3 || c > fair*4/3 {
					t.Errorf("example %d shown %d times in %d prompts, want about %d", i, c, seeds, fair)
				}
			}
		})
	}
}

func TestRotationMixesIntents(t *testing.T) {
	tax := defaultTaxonomy(t)
	names := []string{"get_refund", "review", "place_order", "track_refund", "switch_account"}
	cases := []struct {
		name    string
		specs   int
		k       int
		seeds   int
		wantAll int // distinct intents expected over all seeds
		perCall int // distinct intents expected in every prompt
	}{
		{"k equals specs", 3, 3, 1, 3, 3},
		{"k below specs", 5, 2, 200, 5, 2},
		{"k above specs", 2, 5, 50, 2, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all := map[string]bool{}
			for seed := range int64(c.seeds) {
				var specs []llm.Spec
				for i := range c.specs {
					specs = append(specs, spec(t, tax, names[i], seed*31+int64(i)))
				}
				got := pickExamples(specs, c.k)
				if len(got) != c.k {
					t.Fatalf("seed %d: %d examples, want %d", seed, len(got), c.k)
				}
				inCall := map[string]bool{}
				shownTwice := map[[2]any]bool{}
				for _, ex := range got {
					key := [2]any{ex.intent.Name, ex.index}
					if shownTwice[key] {
						t.Fatalf("seed %d: example %v shown twice", seed, key)
					}
					shownTwice[key] = true
					inCall[ex.intent.Name] = true
					all[ex.intent.Name] = true
				}
				if len(inCall) != c.perCall {
					t.Errorf("seed %d: examples of %d intents, want %d", seed, len(inCall), c.perCall)
				}
			}
			if len(all) != c.wantAll {
				t.Errorf("examples of %d intents over all seeds, want %d", len(all), c.wantAll)
			}
		})
	}
}

func TestRotationWithoutExamples(t *testing.T) {
	tax := defaultTaxonomy(t)
	s := spec(t, tax, "review", 1)
	bare := *s.Intent
	bare.Examples = nil
	s.Intent = &bare
	if got := pickExamples([]llm.Spec{s}, 3); len(got) != 0 {
		t.Fatalf("picked %d examples of an intent without any", len(got))
	}
	p := render(t, Options{}, s)
	if len(ParseRequests(p.User)) != 1 {
		t.Fatal("prompt without examples lost its request")
	}
}
