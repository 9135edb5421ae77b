package dataset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Words for synthetic turns; written for these tests.
var sampleWords = strings.Fields(`hello my order parcel arrived late please help refund account
password invoice payment card shipping address change cancel subscription delivery
thanks agent check status update email phone number tomorrow today week the a to for
with and could you i need want is was not still where why how when`)

var sampleIntents = [][2]string{
	{"cancel_order", "ORDER"}, {"track_order", "ORDER"}, {"get_refund", "REFUND"},
	{"recover_password", "ACCOUNT"}, {"check_invoice", "INVOICE"}, {"delivery_period", "DELIVERY"},
}

// sampleConversations builds n realistic records: 4 to 6 turns of about
// 80 characters, deterministic for a seed.
func sampleConversations(n int, seed uint64) []record.Conversation {
	rng := rand.New(rand.NewPCG(seed, 7))
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	out := make([]record.Conversation, n)
	for i := range out {
		in := sampleIntents[rng.IntN(len(sampleIntents))]
		turns := make([]record.Turn, 4+rng.IntN(3))
		for j := range turns {
			role := record.RoleCustomer
			if j%2 == 1 {
				role = record.RoleAgent
			}
			turns[j] = record.Turn{Role: role, Text: sampleSentence(rng, 80)}
		}
		var tags []string
		if rng.IntN(3) == 0 {
			tags = []string{"typo", "casing"}[:1+rng.IntN(2)]
		}
		out[i] = record.Conversation{
			ConversationID: record.ConversationID("jbench", int64(i), 0), JobID: "jbench",
			Slot: int64(i), Seed: rng.Int64(), Split: record.SplitTrain,
			RequestedIntent: in[0], Turns: turns,
			Axes: record.Axes{AgeBand: "25-34", TechComfort: "high", Mood: "annoyed",
				Channel: "chat", Tone: "formal", Domain: "retail", Turns: len(turns)},
			Generator: "offline", PromptVersion: "p1", Intent: in[0], Category: in[1],
			Confidence: rng.Float64(), RunnerUp: "track_order", Margin: rng.Float64() / 2,
			RulesVersion: "r1", NoiseTags: tags, QualityScore: rng.Float64(), PIIScrubbed: i%5 == 0,
			CreatedAt: base.Add(time.Duration(i) * time.Millisecond),
		}
	}
	return out
}

func sampleSentence(rng *rand.Rand, chars int) string {
	var b strings.Builder
	for b.Len() < chars {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sampleWords[rng.IntN(len(sampleWords))])
	}
	return b.String()
}

func describe(c *record.Conversation) string { return fmt.Sprintf("%+v", *c) }
