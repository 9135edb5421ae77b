package quality

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// TestSchema checks the committed schema matches the Go type. Run with
// UPDATE_SCHEMA=1 to rewrite pkg/record/conversation.schema.json.
func TestSchema(t *testing.T) {
	got, err := GenerateConversationSchema()
	if err != nil {
		t.Fatal(err)
	}
	const path = "../record/conversation.schema.json"
	if os.Getenv("UPDATE_SCHEMA") == "1" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	if !bytes.Equal(got, record.ConversationSchema) {
		t.Fatalf("%s is stale: run UPDATE_SCHEMA=1 go test ./quality/ -run TestSchema", path)
	}
}

// TestSchemaAgreement proves the compiled Go checks accept exactly the
// records the published JSON Schema accepts, on good and bad records.
func TestSchemaAgreement(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *record.Conversation)
		valid  bool
	}{
		{name: "good", mutate: func(*record.Conversation) {}, valid: true},
		{name: "good with tags and flags", mutate: func(c *record.Conversation) {
			c.NoiseTags, c.LabelFlags = []string{"typo"}, []string{"disagreement"}
		}, valid: true},
		{name: "good with empty tags", mutate: func(c *record.Conversation) { c.NoiseTags = []string{} }, valid: true},
		{name: "good with generation error", mutate: func(c *record.Conversation) { c.GenerationError = "timeout" }, valid: true},
		{name: "good confidence bounds", mutate: func(c *record.Conversation) { c.Confidence, c.Margin = 1, 0 }, valid: true},
		{name: "good zero time", mutate: func(c *record.Conversation) { c.CreatedAt = time.Time{} }, valid: true},
		{name: "good blank text", mutate: func(c *record.Conversation) { c.Turns[0].Text = " " }, valid: true},
		{name: "empty conversation id", mutate: func(c *record.Conversation) { c.ConversationID = "" }},
		{name: "empty job id", mutate: func(c *record.Conversation) { c.JobID = "" }},
		{name: "negative slot", mutate: func(c *record.Conversation) { c.Slot = -1 }},
		{name: "negative attempt", mutate: func(c *record.Conversation) { c.Attempt = -2 }},
		{name: "unknown split", mutate: func(c *record.Conversation) { c.Split = "dev" }},
		{name: "empty split", mutate: func(c *record.Conversation) { c.Split = "" }},
		{name: "empty requested intent", mutate: func(c *record.Conversation) { c.RequestedIntent = "" }},
		{name: "no turns", mutate: func(c *record.Conversation) { c.Turns = nil }},
		{name: "empty turns", mutate: func(c *record.Conversation) { c.Turns = []record.Turn{} }},
		{name: "unknown role", mutate: func(c *record.Conversation) { c.Turns[1].Role = "bot" }},
		{name: "empty text", mutate: func(c *record.Conversation) { c.Turns[1].Text = "" }},
		{name: "empty generator", mutate: func(c *record.Conversation) { c.Generator = "" }},
		{name: "confidence above 1", mutate: func(c *record.Conversation) { c.Confidence = 1.01 }},
		{name: "negative margin", mutate: func(c *record.Conversation) { c.Margin = -0.1 }},
		{name: "NaN confidence", mutate: func(c *record.Conversation) { c.Confidence = math.NaN() }},
		{name: "infinite quality score", mutate: func(c *record.Conversation) { c.QualityScore = math.Inf(1) }},
		{name: "year 10000", mutate: func(c *record.Conversation) { c.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := conversation("Where is my order 1234?", "It left the warehouse this morning.")
			tt.mutate(c)
			goErr := checkSchema(c)
			jsonErr := validateValueJSON(c)
			if (goErr == nil) != tt.valid || (jsonErr == nil) != tt.valid {
				t.Fatalf("want valid=%v; Go check: %v; JSON Schema: %v", tt.valid, goErr, jsonErr)
			}
			if goErr != nil && !errors.Is(goErr, ErrSchema) || jsonErr != nil && !errors.Is(jsonErr, ErrSchema) {
				t.Fatalf("errors do not wrap ErrSchema: %v / %v", goErr, jsonErr)
			}
		})
	}
}

// validateValueJSON encodes c as the bus does and validates it against the
// published schema; values encoding/json refuses are schema violations.
func validateValueJSON(c *record.Conversation) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSchema, err)
	}
	return ValidateConversationJSON(data)
}

func TestValidateConversationJSONRejectsUnknownField(t *testing.T) {
	data, err := json.Marshal(conversation("Where is my order?", "On its way."))
	if err != nil {
		t.Fatal(err)
	}
	data = append([]byte(`{"extra":1,`), data[1:]...)
	if err := ValidateConversationJSON(data); !errors.Is(err, ErrSchema) {
		t.Fatalf("err = %v, want ErrSchema", err)
	}
}
