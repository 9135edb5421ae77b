package noise

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name      string
		profile   string
		overrides map[string]float64
		wantErr   error
		want      map[string]float64
	}{
		{name: "none is all zero", profile: "none", want: map[string]float64{"typo_adjacent": 0, "keyword_mode": 0}},
		{name: "realistic preset", profile: "realistic", want: map[string]float64{"lowercase": 0.35}},
		{name: "override one rate", profile: "light", overrides: map[string]float64{"typo_adjacent": 0.2}, want: map[string]float64{"typo_adjacent": 0.2, "lowercase": 0.15}},
		{name: "override on none", profile: "none", overrides: map[string]float64{"shouting": 1}, want: map[string]float64{"shouting": 1, "lowercase": 0}},
		{name: "unknown profile", profile: "wild", wantErr: ErrUnknownProfile},
		{name: "empty profile", profile: "", wantErr: ErrUnknownProfile},
		{name: "unknown injector", profile: "light", overrides: map[string]float64{"typo": 0.1}, wantErr: ErrUnknownInjector},
		{name: "rate above one", profile: "light", overrides: map[string]float64{"filler": 1.5}, wantErr: ErrBadRate},
		{name: "negative rate", profile: "light", overrides: map[string]float64{"filler": -0.1}, wantErr: ErrBadRate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Resolve(tt.profile, tt.overrides)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if p.Name != tt.profile || len(p.Rates) != len(Injectors()) {
				t.Fatalf("profile %q with %d rates", p.Name, len(p.Rates))
			}
			for k, v := range tt.want {
				if p.Rates[k] != v {
					t.Errorf("rate %s = %v, want %v", k, p.Rates[k], v)
				}
			}
		})
	}
}

func TestResolveErrorListsChoices(t *testing.T) {
	_, err := Resolve("light", map[string]float64{"typos": 0.1})
	for _, name := range Injectors() {
		if !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q does not list %s", err, name)
		}
	}
	_, err = Resolve("wild", nil)
	for _, name := range Presets() {
		if !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q does not list %s", err, name)
		}
	}
}

func TestInjectorsSortedAndTagged(t *testing.T) {
	names := Injectors()
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Fatalf("names not sorted and unique: %v", names)
	}
	for _, n := range names {
		tag, ok := Tag(n)
		letter, rest, found := strings.Cut(tag, ":")
		if !ok || !found || rest != n || len(letter) != 1 || !strings.Contains("BICDMLPQWKEZN", letter) {
			t.Errorf("%s has tag %q, want LETTER:%s with a Bitext letter", n, tag, n)
		}
	}
}

func TestPresetsEditTurns(t *testing.T) {
	turns := loadTurns(t)
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			p, err := Resolve(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(9, 9))
			changed := 0
			for range 50 {
				for _, in := range turns {
					out, tags := Apply(rng, in, p)
					checkInvariants(t, in, out, tags)
					if out != in {
						changed++
					}
				}
			}
			if (name == "none") != (changed == 0) {
				t.Fatalf("%s changed %d turns", name, changed)
			}
		})
	}
}

// checkInvariants asserts what every Apply call promises.
func checkInvariants(t *testing.T, in, out string, tags []string) {
	t.Helper()
	if (out == in) != (tags == nil) {
		t.Fatalf("%q -> %q with tags %v", in, out, tags)
	}
	if strings.TrimSpace(out) == "" && strings.TrimSpace(in) != "" {
		t.Fatalf("%q -> empty", in)
	}
	if !slices.IsSorted(tags) || len(slices.Compact(slices.Clone(tags))) != len(tags) {
		t.Fatalf("tags %v not sorted and unique", tags)
	}
	for _, tok := range strings.Fields(in) {
		if protected(tok) && !slices.Contains(strings.Fields(out), tok) {
			t.Fatalf("%q -> %q lost protected token %q", in, out, tok)
		}
	}
	if utf8.ValidString(in) && !utf8.ValidString(out) {
		t.Fatalf("%q -> invalid UTF-8 %q", in, out)
	}
}

func TestDeterministic(t *testing.T) {
	p, _ := Resolve("heavy", nil)
	turns := loadTurns(t)
	run := func() []string {
		rng := rand.New(rand.NewPCG(42, 0))
		var got []string
		for range 10 {
			for _, in := range turns {
				out, tags := Apply(rng, in, p)
				got = append(got, out+"|"+strings.Join(tags, ","))
			}
		}
		return got
	}
	if a, b := run(), run(); !slices.Equal(a, b) {
		t.Fatal("same seed gave different output")
	}
	other := rand.New(rand.NewPCG(43, 0))
	same := 0
	for _, in := range turns {
		a, _ := Apply(rand.New(rand.NewPCG(42, 0)), in, p)
		if b, _ := Apply(other, in, p); a == b {
			same++
		}
	}
	if same == len(turns) {
		t.Fatal("different seeds gave the same output for every turn")
	}
}

func TestNoneProfileLeavesTextAndRandomness(t *testing.T) {
	p, _ := Resolve("none", nil)
	rng := rand.New(rand.NewPCG(5, 5))
	ref := rand.New(rand.NewPCG(5, 5))
	for _, in := range loadTurns(t) {
		if out, tags := Apply(rng, in, p); out != in || tags != nil {
			t.Fatalf("%q -> %q %v", in, out, tags)
		}
	}
	if rng.Uint64() != ref.Uint64() {
		t.Fatal("none profile consumed randomness")
	}
}

func TestNeverEmpty(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "spaces", in: "   "},
		{name: "punctuation only", in: "?!"},
		{name: "one stopword", in: "please"},
		{name: "one number", in: "12345"},
	}
	all := Profile{Rates: map[string]float64{}}
	for _, n := range Injectors() {
		all.Rates[n] = 1
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 3))
			for range 50 {
				out, tags := Apply(rng, tt.in, all)
				checkInvariants(t, tt.in, out, tags)
				if tt.in == "" && out != "" {
					t.Fatalf("empty -> %q", out)
				}
			}
		})
	}
}

func FuzzApply(f *testing.F) {
	for _, s := range []string{"", " ", "I want to cancel order 12345, please!", "ÄÖÜ ñ 日本語", "\xff\xfe bad", "a  b\n c", "'''", "I I I"} {
		f.Add(s, uint64(1))
	}
	all := Profile{Rates: map[string]float64{}}
	for _, n := range Injectors() {
		all.Rates[n] = 0.5
	}
	f.Fuzz(func(t *testing.T, in string, seed uint64) {
		out, tags := Apply(rand.New(rand.NewPCG(seed, 0)), in, all)
		checkInvariants(t, in, out, tags)
		again, tags2 := Apply(rand.New(rand.NewPCG(seed, 0)), in, all)
		if again != out || !slices.Equal(tags, tags2) {
			t.Fatalf("not deterministic: %q vs %q", out, again)
		}
	})
}

// BenchmarkApply runs the presets on the test turns re-cut into turns of
// exactly 15 words.
func BenchmarkApply(b *testing.B) {
	words := strings.Fields(strings.Join(loadTurns(b), " "))
	var turns []string
	for i := 0; i+15 <= len(words); i += 15 {
		turns = append(turns, strings.Join(words[i:i+15], " "))
	}
	for _, name := range []string{"light", "realistic", "heavy"} {
		b.Run(name, func(b *testing.B) {
			p, _ := Resolve(name, nil)
			rng := rand.New(rand.NewPCG(1, 1))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				Apply(rng, turns[i%len(turns)], p)
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
		})
	}
}
