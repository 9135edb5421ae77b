package quality

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

type textCase struct {
	Name  string `yaml:"name"`
	Text  string `yaml:"text"`
	First bool   `yaml:"first"`
	Want  string `yaml:"want"`
}

func TestPlaceholder(t *testing.T) {
	c := newChecker(t, Config{})
	for _, tc := range loadCases[textCase](t, "placeholder.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			if got := findPlaceholder(tc.Text); got != tc.Want {
				t.Fatalf("findPlaceholder(%q) = %q, want %q", tc.Text, got, tc.Want)
			}
			reasons, _ := c.Check(conversation(tc.Text, "Thanks, I will take care of that for you right away."))
			if got := slices.Contains(reasons, ReasonPlaceholder); got != (tc.Want != "") {
				t.Fatalf("Check reasons %v", reasons)
			}
		})
	}
}

func TestMetaTalk(t *testing.T) {
	c := newChecker(t, Config{})
	for _, tc := range loadCases[textCase](t, "metatalk.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			if got := findMetaTalk(tc.Text, tc.First); got != tc.Want {
				t.Fatalf("findMetaTalk(%q) = %q, want %q", tc.Text, got, tc.Want)
			}
			conv := conversation("Where is my parcel? It was due on Friday.", tc.Text)
			if tc.First {
				conv = conversation(tc.Text, "Thanks for getting in touch, let me look into it for you.")
			}
			reasons, _ := c.Check(conv)
			if got := slices.Contains(reasons, ReasonMetaTalk); got != (tc.Want != "") {
				t.Fatalf("Check reasons %v", reasons)
			}
		})
	}
}

type englishCase struct {
	Name    string   `yaml:"name"`
	Turns   []string `yaml:"turns"`
	English bool     `yaml:"english"`
}

func TestEnglish(t *testing.T) {
	c := newChecker(t, Config{})
	for _, tc := range loadCases[englishCase](t, "english.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			reasons, detail := c.Check(conversation(tc.Turns...))
			if got := !slices.Contains(reasons, ReasonNotEnglish); got != tc.English {
				t.Fatalf("english = %v, want %v (reasons %v, detail %q)", got, tc.English, reasons, detail)
			}
		})
	}
}

// TestFindMetaPhraseMatchesScan compares the one-pass search with the
// plain one it replaces (every phrase searched in turn) on texts mixing
// meta phrases, their near misses and ordinary words.
func TestFindMetaPhraseMatchesScan(t *testing.T) {
	plain := func(s string) string {
		for _, p := range metaPhrases {
			for off := 0; ; {
				i := strings.Index(s[off:], p)
				if i < 0 {
					break
				}
				start, end := off+i, off+i+len(p)
				if !isASCIILetter(byteAt(s, start-1)) && !isASCIILetter(byteAt(s, end)) {
					return p
				}
				off = start + 1
			}
		}
		return ""
	}
	rng := rand.New(rand.NewPCG(11, 12))
	pieces := append([]string{"where", "is", "my", "order", "aide", "x", "here", "(", ")", ",", "!", "an", "ai", "model",
		"i", "cannot", "generate", "end", "of", "conversation", "s", "ing"}, metaPhrases...)
	seps := []string{" ", "", "\n", ". ", "-"}
	found := 0
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		s := b.String()
		want := plain(s)
		if got := findMetaPhrase(s); got != want {
			t.Fatalf("findMetaPhrase(%q) = %q, want %q", s, got, want)
		}
		if want != "" {
			found++
		}
	}
	if found < 1000 {
		t.Fatalf("only %d of 20000 texts held a phrase: the comparison is weak", found)
	}
}
