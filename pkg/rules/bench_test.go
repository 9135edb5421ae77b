package rules

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// benchConversation is a typical six-turn conversation.
var benchConversation = []record.Turn{
	{Role: record.RoleCustomer, Text: "Hi, I placed an order last week (#4481290) and I'd like to cancel it please, I found it cheaper elsewhere."},
	{Role: record.RoleAgent, Text: "I'm sorry to hear that. Could you confirm the email address on the account so I can look it up?"},
	{Role: record.RoleCustomer, Text: "Sure, it's the one ending in gmail. The order hasn't shipped yet as far as I can tell."},
	{Role: record.RoleAgent, Text: "Thanks! I can see the order and it has not been dispatched. I will cancel it for you now."},
	{Role: record.RoleCustomer, Text: "great, and will the money go back on my card automatically or do I need to do smth?"},
	{Role: record.RoleAgent, Text: "It goes back automatically within 5 business days. Is there anything else I can help with?"},
}

func BenchmarkClassify(b *testing.B) {
	tax, err := taxonomy.Default()
	if err != nil {
		b.Fatal(err)
	}
	e, err := Compile(tax)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := e.Classify(benchConversation); r.Intent != "cancel_order" {
				b.Fatalf("intent %q", r.Intent)
			}
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	s := newScratch(0)
	b.ReportAllocs()
	for b.Loop() {
		s.normalize(benchConversation[0].Text)
	}
}
