package offline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"sync"
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

// randomSpec draws a Spec the way the generator does.
func randomSpec(tax *taxonomy.Taxonomy, rng *rand.Rand, minT, maxT int) llm.Spec {
	return llm.Spec{
		Intent:   &tax.Intents[rng.IntN(len(tax.Intents))],
		Axes:     llm.DrawAxes(rng, minT, maxT),
		MinTurns: minT, MaxTurns: maxT,
		Seed: rng.Int64(),
	}
}

func generate(t testing.TB, s *Synth, specs ...llm.Spec) []llm.Draft {
	t.Helper()
	res, err := s.Generate(context.Background(), llm.Call{Specs: specs})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Drafts) != len(specs) {
		t.Fatalf("%d drafts for %d specs", len(res.Drafts), len(specs))
	}
	return res.Drafts
}

var leftover = regexp.MustCompile(`[{}\[\]]`)

// checkShape fails unless d has n alternating, non-empty, fully filled
// turns opened by the customer.
func checkShape(t *testing.T, d llm.Draft, n int) {
	t.Helper()
	if d.Err != nil {
		t.Fatalf("draft error: %v", d.Err)
	}
	if len(d.Turns) != n {
		t.Fatalf("%d turns, want %d", len(d.Turns), n)
	}
	for i, turn := range d.Turns {
		want := record.RoleCustomer
		if i%2 == 1 {
			want = record.RoleAgent
		}
		if turn.Role != want {
			t.Fatalf("turn %d role %q, want %q", i, turn.Role, want)
		}
		if strings.TrimSpace(turn.Text) == "" {
			t.Fatalf("turn %d is empty", i)
		}
		if leftover.MatchString(turn.Text) {
			t.Fatalf("turn %d has an unfilled placeholder: %q", i, turn.Text)
		}
	}
}

func TestEveryIntentEveryShape(t *testing.T) {
	tax := defaultTaxonomy(t)
	s := New(Config{Taxonomy: tax})
	for i := range tax.Intents {
		in := &tax.Intents[i]
		t.Run(in.Name, func(t *testing.T) {
			for _, ch := range llm.Channels {
				for n := 1; n <= 12; n++ {
					for seed := range int64(4) {
						ax := record.Axes{Channel: ch, Tone: llm.Tones[int(seed)%len(llm.Tones)], Mood: llm.Moods[int(seed)], TechComfort: "low", AgeBand: "65_plus", Domain: llm.Domains[n%len(llm.Domains)], Turns: n}
						d := generate(t, s, llm.Spec{Intent: in, Axes: ax, MinTurns: 1, MaxTurns: 12, Seed: seed*31 + int64(n)})
						checkShape(t, d[0], n)
					}
				}
			}
		})
	}
}

func TestDefaultMaterial(t *testing.T) {
	tax := defaultTaxonomy(t)
	for i := range tax.Intents {
		in := &tax.Intents[i]
		t.Run(in.Name, func(t *testing.T) {
			if err := Check(in); err != nil {
				t.Fatal(err)
			}
			m := in.Material
			if len(m.Openers) < 15 {
				t.Errorf("%d openers, want at least 15", len(m.Openers))
			}
			for _, f := range [][]string{m.Details, m.AgentAsks, m.AgentSteps, m.Resolutions} {
				if len(f) < 4 {
					t.Errorf("a material list has %d entries, want at least 4", len(f))
				}
			}
			for _, s := range append(append([]string{}, m.Openers...), m.Details...) {
				if !strings.ContainsAny(s[len(s)-1:], ".?!") {
					t.Errorf("customer sentence %q does not end a sentence", s)
				}
			}
		})
	}
}

func TestTurnClamping(t *testing.T) {
	tax := defaultTaxonomy(t)
	in := &tax.Intents[0]
	tests := []struct {
		name           string
		target, lo, hi int
		want           int
	}{
		{name: "within", target: 4, lo: 2, hi: 6, want: 4},
		{name: "above max", target: 9, lo: 2, hi: 6, want: 6},
		{name: "below min", target: 1, lo: 3, hi: 6, want: 3},
		{name: "no bounds", target: 5, want: 5},
		{name: "zero target", target: 0, want: 1},
	}
	s := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := generate(t, s, llm.Spec{Intent: in, Axes: record.Axes{Turns: tt.target, Channel: "chat"}, MinTurns: tt.lo, MaxTurns: tt.hi, Seed: 1})
			checkShape(t, d[0], tt.want)
		})
	}
}

func TestDeterminism(t *testing.T) {
	tax := defaultTaxonomy(t)
	rng := rand.New(rand.NewPCG(3, 4))
	specs := make([]llm.Spec, 200)
	for i := range specs {
		specs[i] = randomSpec(tax, rng, 1, 10)
	}
	batch := generate(t, New(Config{}), specs...)

	// One at a time, concurrently, on a fresh synthesizer: same drafts.
	s := New(Config{})
	single := make([]llm.Draft, len(specs))
	var wg sync.WaitGroup
	for i := range specs {
		wg.Go(func() {
			res, err := s.Generate(context.Background(), llm.Call{Specs: specs[i : i+1]})
			if err == nil {
				single[i] = res.Drafts[0]
			}
		})
	}
	wg.Wait()
	for i := range specs {
		if !reflect.DeepEqual(batch[i], single[i]) {
			t.Fatalf("spec %d: batched and single drafts differ:\n%v\n%v", i, batch[i].Turns, single[i].Turns)
		}
	}

	// Different seeds give different conversations.
	other := specs[0]
	other.Seed++
	if reflect.DeepEqual(generate(t, s, other)[0], batch[0]) {
		t.Fatal("a different seed gave the same conversation")
	}
}

func TestUsageAndNames(t *testing.T) {
	tax := defaultTaxonomy(t)
	s := New(Config{})
	res, err := s.Generate(context.Background(), llm.Call{Specs: []llm.Spec{
		{Intent: &tax.Intents[0], Axes: record.Axes{Turns: 4}, Seed: 1},
		{Intent: &tax.Intents[1], Axes: record.Axes{Turns: 2}, Seed: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u := res.Usage
	if u.Calls != 1 || !u.Estimated || u.PromptTokens <= 0 || u.CompletionTokens <= 0 {
		t.Errorf("usage %+v, want one estimated call with tokens", u)
	}
	if got := s.Name(""); got != "offline/synth-v1" {
		t.Errorf("Name(\"\") = %q", got)
	}
	if got := s.Name("m2"); got != "offline/m2" {
		t.Errorf("Name(m2) = %q", got)
	}
	if v := s.PromptVersion(); !regexp.MustCompile(`^offline-2\+[0-9a-f]{12}$`).MatchString(v) {
		t.Errorf("PromptVersion() = %q", v)
	}
	changed := defaultTaxonomy(t)
	changed.Intents[0].Material.Openers = []string{"Something else."}
	if New(Config{Taxonomy: changed}).PromptVersion() == s.PromptVersion() {
		t.Error("changing the material kept the prompt version")
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tax := defaultTaxonomy(t)
	_, err := New(Config{}).Generate(ctx, llm.Call{Specs: []llm.Spec{{Intent: &tax.Intents[0], Seed: 1}}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func ExampleSynth_Generate() {
	tax, _ := taxonomy.Default()
	in, _ := tax.Lookup("track_order")
	s := New(Config{})
	res, _ := s.Generate(context.Background(), llm.Call{Specs: []llm.Spec{{
		Intent: in, Seed: 42,
		Axes: record.Axes{Channel: "chat", Tone: "neutral", Mood: "calm", Domain: "electronics", Turns: 4},
	}}})
	for _, turn := range res.Drafts[0].Turns {
		fmt.Printf("%s: %s\n", turn.Role, turn.Text)
	}
}
