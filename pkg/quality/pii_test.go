package quality

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

type piiCase struct {
	Name     string   `yaml:"name"`
	Text     string   `yaml:"text"`
	Kinds    []string `yaml:"kinds"`
	Scrubbed string   `yaml:"scrubbed"`
}

const agentReply = "Thanks for the details, I have updated your account as requested."

func TestPII(t *testing.T) {
	scrubber := newChecker(t, Config{PII: PIIScrub})
	rejecter := newChecker(t, Config{PII: PIIReject})
	for _, tc := range loadCases[piiCase](t, "pii.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			var kinds []string
			for _, sp := range findPII(tc.Text) {
				kinds = append(kinds, sp.kind)
			}
			if !slices.Equal(kinds, tc.Kinds) && len(kinds)+len(tc.Kinds) > 0 {
				t.Fatalf("kinds %v, want %v", kinds, tc.Kinds)
			}

			conv := conversation(tc.Text, agentReply)
			reasons, _ := rejecter.Check(conv)
			if got := slices.Contains(reasons, ReasonPII); got != (len(tc.Kinds) > 0) {
				t.Fatalf("reject policy reasons %v", reasons)
			}
			if conv.PIIScrubbed || conv.Turns[0].Text != tc.Text {
				t.Fatal("reject policy changed the record")
			}

			conv = conversation(tc.Text, agentReply)
			reasons, _ = scrubber.Check(conv)
			if slices.Contains(reasons, ReasonPII) {
				t.Fatalf("scrub policy rejected: %v", reasons)
			}
			want := tc.Text
			if len(tc.Kinds) > 0 {
				want = tc.Scrubbed
			}
			if conv.Turns[0].Text != want || conv.PIIScrubbed != (len(tc.Kinds) > 0) {
				t.Fatalf("scrubbed to %q (flag %v), want %q", conv.Turns[0].Text, conv.PIIScrubbed, want)
			}
			if spans := findPII(conv.Turns[0].Text); len(spans) > 0 {
				t.Fatalf("scrubbed text still has %v", spans)
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	tests := []struct {
		name   string
		digits string
		want   bool
	}{
		{name: "visa test card", digits: "4111111111111111", want: true},
		{name: "amex test card", digits: "378282246310005", want: true},
		{name: "off by one", digits: "4111111111111112"},
		{name: "zeros", digits: "0000000000000", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := luhn(tt.digits); got != tt.want {
				t.Fatalf("luhn(%s) = %v", tt.digits, got)
			}
		})
	}
}

// TestPhonePrefilterKeepsMatches checks that every text in which a phone
// or SSN pattern matches passes the prefilter, on generated texts of
// digits, separators and words.
func TestPhonePrefilterKeepsMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"1", "12", "123", "555", "0142", "(", ")", " ", ".", "-", "+", "+1", "call", "order", "#"}
	matched := 0
	for range 50000 {
		var b strings.Builder
		for range 2 + rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		hit := ssnPattern.MatchString(s)
		for _, p := range phonePatterns {
			hit = hit || p.MatchString(s)
		}
		if hit {
			matched++
			if !mayHoldPhoneOrSSN(s) {
				t.Fatalf("%q matches a pattern but fails the prefilter", s)
			}
		}
	}
	if matched < 1000 {
		t.Fatalf("only %d texts matched a pattern: the test says little", matched)
	}
}
