package quality

import (
	"slices"
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
