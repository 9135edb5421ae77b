package noise

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestTypos(t *testing.T) {
	tests := []struct {
		name  string
		inj   string
		check func(in, out string) bool
	}{
		{name: "adjacent replaces one letter with a keyboard neighbour", inj: "typo_adjacent", check: adjacentEdit},
		{name: "drop removes one letter, never the first", inj: "char_drop", check: func(in, out string) bool {
			return len(out) == len(in)-1 && out[0] == in[0] && isSubsequence(out, in)
		}},
		{name: "duplicate repeats one letter", inj: "char_duplicate", check: func(in, out string) bool {
			return len(out) == len(in)+1 && isSubsequence(in, out)
		}},
		{name: "transpose swaps two neighbouring letters", inj: "char_transpose", check: func(in, out string) bool {
			return len(out) == len(in) && sameBytes(in, out) && diffCount(in, out) == 2
		}},
	}
	words := []string{"refund", "Order", "shipping,", "ACCOUNT", "(invoice)", "cancel?"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 1))
			for range 50 {
				for _, w := range words {
					out, tags := Apply(rng, w, only(tt.inj))
					tag, _ := Tag(tt.inj)
					if !tt.check(w, out) || !slices.Equal(tags, []string{tag}) {
						t.Fatalf("%q -> %q %v", w, out, tags)
					}
				}
			}
		})
	}
}

func TestTyposSkipShortAndProtectedWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "short words", in: "to be or no"},
		{name: "numbers and codes", in: "A12B 123456 #7788 $19.99 x@y.com"},
		{name: "non-ASCII words", in: "üéö ñçé"},
		{name: "no transposable pair", in: "aaa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Profile{Rates: map[string]float64{"char_transpose": 1}}
			if tt.name != "no transposable pair" {
				p = Profile{Rates: map[string]float64{"typo_adjacent": 0.25, "char_drop": 0.25, "char_duplicate": 0.25, "char_transpose": 0.25}}
			}
			rng := rand.New(rand.NewPCG(2, 2))
			for range 100 {
				if out, tags := Apply(rng, tt.in, p); out != tt.in || tags != nil {
					t.Fatalf("%q -> %q %v", tt.in, out, tags)
				}
			}
		})
	}
}

func adjacentEdit(in, out string) bool {
	if len(in) != len(out) || diffCount(in, out) != 1 {
		return false
	}
	for i := range in {
		if in[i] != out[i] {
			a, b := in[i]|0x20, out[i]|0x20
			return strings.IndexByte(qwerty[a-'a'], b) >= 0 && (in[i] < 'a') == (out[i] < 'a')
		}
	}
	return false
}

func diffCount(a, b string) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func sameBytes(a, b string) bool {
	x, y := []byte(a), []byte(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// isSubsequence reports whether short is long with bytes removed.
func isSubsequence(short, long string) bool {
	i := 0
	for j := 0; j < len(long) && i < len(short); j++ {
		if short[i] == long[j] {
			i++
		}
	}
	return i == len(short)
}
