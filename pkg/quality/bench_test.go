package quality

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchTurns are a typical four-turn record with an order number, a test
// card and an example email, so every check does its full work.
var benchTurns = []string{
	"hi, i ordered a pair of running shoes last week (order 55120) and they still havent arrived, can u check pls",
	"I am sorry for the wait. I can see order 55120 left our warehouse on Monday; may I confirm the email on the account?",
	"sure its sam@example.com and the card i paid with was 4111 1111 1111 1111",
	"Thank you. The parcel is with the courier and should reach you tomorrow before 6 pm. Anything else I can help with?",
}

func BenchmarkCheck(b *testing.B) {
	c := newChecker(b, Config{})
	base := conversation(benchTurns...)
	b.ReportAllocs()
	for b.Loop() {
		conv := *base
		if reasons, _ := c.Check(&conv); reasons != nil {
			b.Fatal(reasons)
		}
	}
}

// BenchmarkSchemaJSON measures full JSON Schema validation of the same
// record, which Check replaces with compiled Go checks.
func BenchmarkSchemaJSON(b *testing.B) {
	conv := conversation(benchTurns...)
	b.ReportAllocs()
	for b.Loop() {
		if err := validateValueJSON(conv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewFingerprint(b *testing.B) {
	text := conversation(benchTurns...).CustomerText()
	b.ReportAllocs()
	for b.Loop() {
		NewFingerprint(text)
	}
}

// BenchmarkIndexMatchAdd measures one Match, and an Add when it finds no
// duplicate (as the validator does), against an index of 100k
// fingerprints. "templated" texts share sentence frames, so unrelated
// texts are ~0.5 similar and many become LSH candidates; "diverse" texts
// share little, like free-form LLM output.
func BenchmarkIndexMatchAdd(b *testing.B) {
	b.Run("templated", func(b *testing.B) { benchIndex(b, benchFingerprints(200_000)) })
	b.Run("diverse", func(b *testing.B) { benchIndex(b, diverseFingerprints(200_000)) })
}

func benchIndex(b *testing.B, fps []Fingerprint) {
	const entries = 100_000
	ix := NewIndex(0.85)
	next := 0
	for ix.Len() < entries {
		if _, _, dup := ix.Match(fps[next]); !dup {
			ix.Add(fmt.Sprint(next), fps[next])
		}
		next++
	}
	b.ReportAllocs()
	for b.Loop() {
		fp := fps[next%len(fps)]
		if _, _, dup := ix.Match(fp); !dup {
			ix.Add("new", fp)
		}
		next++
	}
}

// diverseFingerprints fingerprints n texts of 15 to 40 words drawn from a
// 5,000-word vocabulary.
func diverseFingerprints(n int) []Fingerprint {
	rng := rand.New(rand.NewPCG(3, 5))
	vocab := make([]string, 5000)
	for i := range vocab {
		w := make([]byte, 4+rng.IntN(6))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	fps := make([]Fingerprint, n)
	for i := range fps {
		words := make([]string, 15+rng.IntN(26))
		for j := range words {
			words[j] = vocab[rng.IntN(len(vocab))]
		}
		fps[i] = NewFingerprint(strings.Join(words, " "))
	}
	return fps
}

func BenchmarkStatsAdd(b *testing.B) {
	conv := conversation(benchTurns...)
	s := NewStats()
	b.ReportAllocs()
	for b.Loop() {
		s.Add(conv)
	}
}

// benchFingerprints fingerprints n texts built from a small vocabulary in
// a few sentence frames, as an offline synthesizer would write them.
func benchFingerprints(n int) []Fingerprint {
	rng := rand.New(rand.NewPCG(7, 11))
	frames := []string{
		"i want to %s my %s because %s",
		"can you help me %s the %s i got, %s",
		"hello, how do i %s a %s? %s",
	}
	vocab := func(n int) []string {
		words := make([]string, n)
		for i := range words {
			w := make([]byte, 3+rng.IntN(6))
			for j := range w {
				w[j] = byte('a' + rng.IntN(26))
			}
			words[i] = string(w)
		}
		return words
	}
	verbs, nouns, whys := vocab(100), vocab(400), vocab(1000)
	fps := make([]Fingerprint, n)
	for i := range fps {
		var words []string
		for range 2 + rng.IntN(3) {
			words = append(words, fmt.Sprintf(frames[rng.IntN(len(frames))], verbs[rng.IntN(len(verbs))], nouns[rng.IntN(len(nouns))], whys[rng.IntN(len(whys))]))
		}
		fps[i] = NewFingerprint(strings.Join(words, ". "))
	}
	return fps
}

func TestFingerprintJSONSize(t *testing.T) {
	data, err := json.Marshal(NewFingerprint(strings.Join(benchTurns, " ")))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fingerprint JSON: %d bytes", len(data))
}
