package quality

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

const thirtyWords = "hello there I ordered a blue winter jacket three weeks ago and it still has not arrived at my flat so could you please check where the parcel is now"

func TestNearDuplicateOneWordChanged(t *testing.T) {
	words := strings.Fields(thirtyWords)
	if len(words) != 30 {
		t.Fatalf("fixture has %d words", len(words))
	}
	for _, pos := range []int{0, 7, 15, 22, 29} {
		t.Run(fmt.Sprintf("word %d", pos), func(t *testing.T) {
			changed := append([]string(nil), words...)
			changed[pos] = "zebra"
			ix := NewIndex(0.85)
			ix.Add("first", NewFingerprint(thirtyWords))
			id, reason, ok := ix.Match(NewFingerprint(strings.Join(changed, " ")))
			if !ok || id != "first" || reason != ReasonNearDuplicate {
				t.Fatalf("Match = %q %q %v, want near duplicate of first", id, reason, ok)
			}
		})
	}
}

func TestExactDuplicate(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{name: "same text", a: "Where is my parcel?", b: "Where is my parcel?"},
		{name: "case and punctuation", a: "Where is my parcel?", b: "where, is my PARCEL!!"},
		{name: "different order number", a: "cancel order 12345 pls", b: "Cancel order #9981 pls"},
		{name: "whitespace and newlines", a: "hi\nI need help", b: "  hi   I need\thelp "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := NewIndex(0.85)
			ix.Add("a", NewFingerprint(tt.a))
			if id, reason, ok := ix.Match(NewFingerprint(tt.b)); !ok || id != "a" || reason != ReasonDuplicate {
				t.Fatalf("Match = %q %q %v, want duplicate of a", id, reason, ok)
			}
		})
	}
}

func TestParaphrasesAreNotDuplicates(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{
			name: "refund status",
			a:    "I sent the shoes back two weeks ago and I am still waiting for my money, can you tell me when the refund will be paid?",
			b:    "Could you check on the status of my reimbursement? The returned sneakers reached your warehouse a fortnight back.",
		},
		{
			name: "address change",
			a:    "I moved last month and need to update the shipping address on my account before my next delivery.",
			b:    "Please change where my packages go, I have a new home now and the old address is wrong.",
		},
		{
			name: "same intent, different wording",
			a:    "how do I cancel the order I placed this morning",
			b:    "please stop my purchase from today, I no longer want it",
		},
		{
			name: "same template, different slots",
			a:    "I would like to cancel my order for the red kettle because it arrived damaged and I want my money back",
			b:    "I would like to track my order for the garden chairs because they have not arrived and I need them soon",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := NewIndex(0.85)
			ix.Add("a", NewFingerprint(tt.a))
			if id, reason, ok := ix.Match(NewFingerprint(tt.b)); ok {
				t.Fatalf("Match = %q %q, similarity %.2f; want no match", id, reason, Similarity(NewFingerprint(tt.a), NewFingerprint(tt.b)))
			}
		})
	}
}

func TestIndexExactOnly(t *testing.T) {
	changed := strings.Replace(thirtyWords, "jacket", "coat", 1)
	for _, threshold := range []float64{1, 0, -1} {
		t.Run(fmt.Sprint(threshold), func(t *testing.T) {
			ix := NewIndex(threshold)
			ix.Add("a", NewFingerprint(thirtyWords))
			if _, _, ok := ix.Match(NewFingerprint(changed)); ok {
				t.Fatal("near duplicate matched with near detection off")
			}
			if _, reason, ok := ix.Match(NewFingerprint(thirtyWords)); !ok || reason != ReasonDuplicate {
				t.Fatal("exact duplicate missed")
			}
		})
	}
}

func TestIndexEmptyAndWordlessTexts(t *testing.T) {
	ix := NewIndex(0.85)
	if _, _, ok := ix.Match(NewFingerprint("anything at all")); ok {
		t.Fatal("empty index matched")
	}
	fp := NewFingerprint("?!  ...")
	if len(fp.MinHash) != 0 {
		t.Fatalf("wordless text has a signature of %d values", len(fp.MinHash))
	}
	ix.Add("blank", fp)
	if _, _, ok := ix.Match(NewFingerprint("where is my parcel")); ok {
		t.Fatal("wordless entry matched a text")
	}
}

// TestIndexReplay checks the validator's restart path: fingerprints logged
// as JSON and replayed in order rebuild an index that answers the same.
func TestIndexReplay(t *testing.T) {
	texts := []string{
		thirtyWords,
		"I need to change the card I pay with for my monthly plan",
		"I need to change the card I pay with for my yearly plan",
		"where can I download the invoice for my last order",
		strings.Replace(thirtyWords, "blue", "green", 1),
	}
	live := NewIndex(0.85)
	var log []string
	for i, text := range texts {
		fp := NewFingerprint(text)
		data, err := json.Marshal(fp)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 200 {
			t.Fatalf("fingerprint encodes to %d bytes", len(data))
		}
		log = append(log, string(data))
		live.Add(fmt.Sprint(i), fp)
	}
	replayed := NewIndex(0.85)
	for i, line := range log {
		var fp Fingerprint
		if err := json.Unmarshal([]byte(line), &fp); err != nil {
			t.Fatal(err)
		}
		replayed.Add(fmt.Sprint(i), fp)
	}
	near := strings.Replace(thirtyWords, "blue", "red", 1)
	if _, reason, _ := live.Match(NewFingerprint(near)); reason != ReasonNearDuplicate {
		t.Fatalf("probe is not a near duplicate: %q", reason)
	}
	probes := append(texts, near, "something else entirely about a newsletter")
	for _, p := range probes {
		fp := NewFingerprint(p)
		id1, r1, ok1 := live.Match(fp)
		id2, r2, ok2 := replayed.Match(fp)
		if id1 != id2 || r1 != r2 || ok1 != ok2 {
			t.Fatalf("live %q %q %v, replayed %q %q %v", id1, r1, ok1, id2, r2, ok2)
		}
	}
}

func TestBandsFor(t *testing.T) {
	for _, threshold := range []float64{0.3, 0.5, 0.7, 0.85, 0.9, 0.95, 0.99} {
		rows, bands := bandsFor(threshold)
		if rows*bands > SignatureSize || rows < 1 || bands < 1 {
			t.Fatalf("threshold %v: %d rows x %d bands", threshold, rows, bands)
		}
	}
	if rows, bands := bandsFor(0.85); rows < 4 || bands != bandCount {
		t.Fatalf("bandsFor(0.85) = %d x %d, want at least 4 rows x bandCount", rows, bands)
	}
}
