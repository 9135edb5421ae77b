package quality

import (
	"bytes"
	"os"
	"testing"

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
