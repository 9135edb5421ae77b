package rules

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "contraction not", in: "I don't want it", want: "i do not want it"},
		{name: "cant", in: "I can't LOG-IN!", want: "i can not log in"},
		{name: "typographic apostrophe", in: "I’m here", want: "i am her"},
		{name: "no apostrophe", in: "dont wanna", want: "do not want to"},
		{name: "stemming", in: "cancelling cancelled cancels cancellation", want: "cancel cancel cancel cancel"},
		{name: "plural ies", in: "deliveries delivery", want: "delivery delivery"},
		{name: "entities", in: "order 123456789, invoice #00108, $12.50, 3 days, INV2231", want: "order #num invoic #ref #money #n day #code"},
		{name: "entity names in rules", in: "#num #money", want: "#num #money"},
		{name: "possessive", in: "John's order", want: "john order"},
		{name: "empty", in: "  ?! ", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(Normalize(tt.in), " ")
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNegationAndCorrection(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		name, text string
		rule       string
		negated    bool
	}{
		{name: "negated cancel", text: "I don't want to cancel, just change it", rule: "cancel", negated: true},
		{name: "scope broken by how", text: "I do not know how to cancel my order", rule: "cancel order"},
		{name: "inability keeps intent", text: "I cannot cancel my order", rule: "cancel order"},
		{name: "typo corrected", text: "where is my invocie", rule: "invoice"},
		{name: "words run together", text: "change my deliveryaddress", rule: "delivery address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var found []Match
			for _, m := range e.Explain(tt.text) {
				if m.Rule == tt.rule {
					found = append(found, m)
				}
			}
			if len(found) == 0 {
				t.Fatalf("rule %q did not fire on %q: %+v", tt.rule, tt.text, e.Explain(tt.text))
			}
			for _, m := range found {
				if m.Negated != tt.negated {
					t.Errorf("rule %q negated = %v, want %v", tt.rule, m.Negated, tt.negated)
				}
			}
		})
	}
}

func TestAutomatonFindsOverlaps(t *testing.T) {
	a := newAutomaton()
	a.add([]int32{1, 2, 3}, 0)
	a.add([]int32{2, 3}, 1)
	a.add([]int32{3}, 2)
	a.add([]int32{1, 2, 4}, 3)
	a.build()
	var got []int32
	var st int32
	for _, w := range []int32{1, 2, 3, 9, 1, 2, 4} {
		st = a.step(st, w)
		got = append(got, a.out[st]...)
	}
	if want := []int32{0, 1, 2, 3}; !reflect.DeepEqual(sorted(got), want) {
		t.Errorf("matches %v, want %v", got, want)
	}
}

func sorted(x []int32) []int32 {
	out := append([]int32(nil), x...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"I don't want to cancel order #123", "don't", "'''", "#", "$1", "n't", "a-b-c", "ÄÖÜ’s ’", "\xe2\x80", "x'"} {
		f.Add(s)
	}
	e := defaultEngine(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, w := range Normalize(text) {
			if w == "" {
				t.Fatalf("empty word from %q", text)
			}
		}
		r := e.ClassifyText(text)
		if !(r.Confidence >= 0 && r.Confidence <= 1) || !(r.Margin >= 0 && r.Margin <= 1) {
			t.Fatalf("confidence %v margin %v for %q", r.Confidence, r.Margin, text)
		}
		if r.Intent == "" {
			t.Fatalf("empty intent for %q", text)
		}
	})
}
