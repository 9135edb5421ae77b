package report

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// fixture builds a realistic manifest of a partial 2,700-row job over the
// default taxonomy, with samples for every intent, deterministically.
func fixture(t testing.TB) (dataset.Manifest, []record.Conversation) {
	t.Helper()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, 7))
	seed := int64(1234)
	created := time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)
	req := record.Request{Samples: 2700, Seed: &seed, LLM: record.LLM{Backend: "openai", Model: "gpt-4o-mini", PerCall: 5},
		Labels: map[string]string{"team": "support-ml"}}
	req.ApplyDefaults()
	m := dataset.Manifest{
		SchemaVersion: record.SchemaVersion, JobID: "jfixture01", Status: record.StatusPartial,
		Location: "file:///data/out/job_id=jfixture01", Request: req, Seed: seed, TaxonomyHash: tax.Hash(),
		Rejections:    map[string]int64{quality.ReasonDisagreement: 212, quality.ReasonNearDuplicate: 75, quality.ReasonLength: 9, quality.ReasonPII: 3},
		Regenerations: 299,
		LLM: dataset.LLMFigures{Generator: "openai:gpt-4o-mini", Calls: 601, Retries: 14, PromptTokens: 1_204_331,
			CompletionTokens: 812_004, LLMSeconds: 1893.4},
		Stages: map[string]map[string]int64{"generator": {"calls": 601, "retries": 14}, "validator": {"accepted": 2698, "rejected": 299}},
		Timing: dataset.Timing{CreatedAt: created, FinishedAt: created.Add(412 * time.Second), Seconds: 412, RowsPerSecond: 6.55},
	}
	q := quality.Summary{Intents: map[string]int64{}, Turns: map[int]int64{}, NoiseTags: map[string]int64{}, LabelFlags: map[string]int64{}}
	var samples []record.Conversation
	for i, in := range tax.Intents {
		delivered := 100
		if i == 3 {
			delivered = 98 // the partial job's shortfall
			m.Shortfall = append(m.Shortfall, record.Quota{Intent: in.Name, Count: 2})
		}
		m.Requested = append(m.Requested, record.Quota{Intent: in.Name, Count: 100})
		m.Delivered = append(m.Delivered, record.Quota{Intent: in.Name, Count: delivered})
		q.Intents[in.Name] = int64(delivered)
		q.Records += int64(delivered)
		for s := range 3 {
			samples = append(samples, sampleConversation(rng, m.JobID, int64(i*100+s), in.Name, in.Category))
		}
	}
	for n := 2; n <= 6; n++ {
		q.Turns[n] = q.Records / 5
	}
	q.Turns[2] += q.Records - 5*(q.Records/5)
	for i := range q.Confidence {
		q.Confidence[i] = int64(i * i * 6)
	}
	q.Confidence[9] = q.Records - sumBins(q.Confidence[:9])
	q.LabelAgreement, q.Distinct1, q.Distinct2 = 0.962, 0.081, 0.412
	q.TurnsPercentiles = quality.Percentiles{P50: 4, P90: 6, P99: 6}
	q.CustomerChars = quality.Percentiles{P50: 143, P90: 311, P99: 502}
	q.NoiseTags = map[string]int64{"typo": 611, "casing": 402, "abbreviation": 188, "missing_punctuation": 377}
	q.LabelFlags = map[string]int64{"disagreement": 0, "noise_flip": 41}
	q.PIIScrubbed = 57
	q.Splits = map[string]int64{"train": q.Records - 540, "validation": 270, "test": 270}
	m.Quality = q
	m.Rows = q.Records
	for p := range 6 {
		rows := int64(450)
		if p == 5 {
			rows = m.Rows - 5*450
		}
		m.Files = append(m.Files, dataset.File{Name: dataset.PartName(int64(p)), Rows: rows, Bytes: rows * 611, SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte(dataset.PartName(int64(p)))))})
	}
	return m, samples
}

func sumBins(b []int64) int64 {
	var n int64
	for _, v := range b {
		n += v
	}
	return n
}

// Customer and agent lines written for these tests.
var (
	customerLines = []string{"hi, I need some help with my account", "it still does not work after I tried again",
		"can you check what happened with order #48213?", "thanks, that is what I needed"}
	agentLines = []string{"Of course, I can help with that.", "Could you confirm the email on the account?",
		"I have updated it for you; you should see the change shortly.", "You are welcome, have a nice day!"}
)

func sampleConversation(rng *rand.Rand, job string, slot int64, intent, category string) record.Conversation {
	n := 2 + rng.IntN(4)
	turns := make([]record.Turn, n)
	for i := range turns {
		if i%2 == 0 {
			turns[i] = record.Turn{Role: record.RoleCustomer, Text: customerLines[rng.IntN(len(customerLines))]}
		} else {
			turns[i] = record.Turn{Role: record.RoleAgent, Text: agentLines[rng.IntN(len(agentLines))]}
		}
	}
	return record.Conversation{
		ConversationID: record.ConversationID(job, slot, 0), JobID: job, Slot: slot, Split: record.SplitTrain,
		RequestedIntent: intent, Intent: intent, Category: category, Turns: turns,
		Confidence: 0.7 + 0.3*rng.Float64(), RunnerUp: "track_order", Margin: 0.3 * rng.Float64(),
		Axes:      record.Axes{Channel: "chat", Mood: "calm", Domain: "retail", Turns: n},
		Generator: "openai:gpt-4o-mini", NoiseTags: []string{"typo"}[:rng.IntN(2)],
	}
}
