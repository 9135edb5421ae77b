package noise

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type injectorCase struct {
	Name      string   `yaml:"name"`
	Injector  string   `yaml:"injector"`
	Input     string   `yaml:"input"`
	Want      string   `yaml:"want"`
	WantOneOf []string `yaml:"want_one_of"`
	Unchanged bool     `yaml:"unchanged"`
}

func loadCases(t *testing.T) []injectorCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/injectors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []injectorCase
	if err := yaml.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/injectors.yaml: %v", err)
	}
	return cases
}

func only(name string) Profile {
	return Profile{Name: name, Rates: map[string]float64{name: 1}}
}

func TestInjectorCases(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			tag, ok := Tag(tc.Injector)
			if !ok {
				t.Fatalf("unknown injector %q", tc.Injector)
			}
			for seed := range uint64(20) {
				got, tags := Apply(rand.New(rand.NewPCG(seed, 1)), tc.Input, only(tc.Injector))
				switch {
				case tc.Unchanged:
					if got != tc.Input || tags != nil {
						t.Fatalf("seed %d: got %q %v, want unchanged", seed, got, tags)
					}
					continue
				case tc.WantOneOf != nil:
					if !slices.Contains(tc.WantOneOf, got) {
						t.Fatalf("seed %d: got %q, want one of %q", seed, got, tc.WantOneOf)
					}
				case got != tc.Want:
					t.Fatalf("seed %d: got %q, want %q", seed, got, tc.Want)
				}
				if !slices.Equal(tags, []string{tag}) {
					t.Fatalf("seed %d: tags %v, want [%s]", seed, tags, tag)
				}
			}
		})
	}
}

func TestLexiconsRewriteForReal(t *testing.T) {
	tests := []struct {
		name string
		lx   lexicon
	}{
		{name: "contractions", lx: contractions},
		{name: "abbreviations", lx: abbreviations},
		{name: "text speak", lx: textSpeak},
		{name: "colloquialisms", lx: colloquialisms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for first, ps := range tt.lx {
				for _, p := range ps {
					if p.words[0] != first || strings.EqualFold(strings.Join(p.words, " "), p.repl) || p.repl == "" {
						t.Errorf("%q => %q does not change the text", p.words, p.repl)
					}
					for _, w := range p.words {
						if w != strings.ToLower(w) || len(w) > len(keyBuf{}) {
							t.Errorf("%q: words must be lowercase and at most %d bytes", p.words, len(keyBuf{}))
						}
					}
				}
			}
		})
	}
}

func TestPerTurnInjectorsChangeWhatTheyTag(t *testing.T) {
	turns := loadTurns(t)
	for _, name := range Injectors() {
		t.Run(name, func(t *testing.T) {
			tag, _ := Tag(name)
			rng := rand.New(rand.NewPCG(7, 7))
			hits := 0
			for range 20 {
				for _, in := range turns {
					got, tags := Apply(rng, in, only(name))
					if tags == nil {
						if got != in {
							t.Fatalf("%q changed to %q without a tag", in, got)
						}
						continue
					}
					hits++
					if got == in || !slices.Equal(tags, []string{tag}) {
						t.Fatalf("%q -> %q tagged %v", in, got, tags)
					}
				}
			}
			if hits == 0 {
				t.Fatalf("%s never changed any test turn at rate 1", name)
			}
		})
	}
}

func loadTurns(t testing.TB) []string {
	t.Helper()
	raw, err := os.ReadFile("testdata/turns.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(raw)), "\n")
}
