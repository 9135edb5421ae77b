package quality

import (
	"os"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// loadCases decodes testdata/<file> into cases.
func loadCases[T any](t testing.TB, file string) []T {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []T
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatalf("testdata/%s: %v", file, err)
	}
	return cases
}

// conversation returns a valid record with the given turns, alternating
// customer and agent.
func conversation(texts ...string) *record.Conversation {
	c := &record.Conversation{
		ConversationID:  "j1-0000001-0",
		JobID:           "j1",
		Slot:            1,
		Split:           record.SplitTrain,
		RequestedIntent: "track_order",
		Generator:       "offline",
		Intent:          "track_order",
		Category:        "ORDER",
		Confidence:      0.9,
		Margin:          0.4,
		CreatedAt:       time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	for i, text := range texts {
		c.Turns = append(c.Turns, record.Turn{Role: expectedRole(i), Text: text})
	}
	return c
}

func newChecker(t testing.TB, cfg Config) *Checker {
	t.Helper()
	c, err := NewChecker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
