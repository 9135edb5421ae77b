package quality

import (
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

func BenchmarkStatsAdd(b *testing.B) {
	conv := conversation(benchTurns...)
	s := NewStats()
	b.ReportAllocs()
	for b.Loop() {
		s.Add(conv)
	}
}
