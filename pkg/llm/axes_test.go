package llm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestDrawAxes(t *testing.T) {
	tests := []struct {
		name     string
		min, max int
	}{
		{name: "range", min: 2, max: 6},
		{name: "single", min: 4, max: 4},
		{name: "max below min", min: 3, max: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			seen := map[int]bool{}
			for range 2000 {
				a := DrawAxes(rng, tt.min, tt.max)
				if a.Turns < tt.min || a.Turns > max(tt.min, tt.max) {
					t.Fatalf("turns %d outside [%d, %d]", a.Turns, tt.min, tt.max)
				}
				seen[a.Turns] = true
				for _, c := range []struct {
					v   string
					all []string
				}{{a.AgeBand, AgeBands}, {a.TechComfort, TechComforts}, {a.Mood, Moods}, {a.Channel, Channels}, {a.Tone, Tones}, {a.Domain, Domains}} {
					if !slices.Contains(c.all, c.v) {
						t.Fatalf("value %q not among %v", c.v, c.all)
					}
				}
			}
			if want := max(tt.min, tt.max) - tt.min + 1; len(seen) != want {
				t.Errorf("drew %d distinct turn counts, want %d", len(seen), want)
			}
		})
	}
}

func TestDrawAxesDeterministic(t *testing.T) {
	a := DrawAxes(rand.New(rand.NewPCG(7, 7)), 2, 8)
	b := DrawAxes(rand.New(rand.NewPCG(7, 7)), 2, 8)
	if a != b {
		t.Fatalf("same rng state gave %+v and %+v", a, b)
	}
}
