package pipeline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

func TestPackRoundTrip(t *testing.T) {
	small := []record.Rejected{{Reasons: []string{"pii"}}}
	large := make([]record.Rejected, 20)
	for i := range large {
		large[i] = record.Rejected{Reasons: []string{"near_duplicate"}, Detail: strings.Repeat("detail ", 20),
			Conversation: record.Conversation{ConversationID: "j-1", Turns: []record.Turn{{Role: "customer", Text: "where is my order"}}}}
	}
	for name, v := range map[string][]record.Rejected{"small": small, "large": large} {
		b := PackJSON(v)
		plain, _ := json.Marshal(v)
		if compressed := b[0] >= 0x80; compressed != (len(plain) >= packMin) {
			t.Errorf("%s: compressed=%v for %d bytes of JSON", name, compressed, len(plain))
		}
		if name == "large" && len(b) >= len(plain) {
			t.Errorf("large: %d bytes packed, %d plain", len(b), len(plain))
		}
		var got []record.Rejected
		if err := UnpackJSON(b, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(v) || got[0].Reasons[0] != v[0].Reasons[0] {
			t.Errorf("%s: round trip gave %+v", name, got)
		}
		// A plain JSON body, as older writers stored it, reads the same.
		if err := UnpackJSON(plain, &got); err != nil || len(got) != len(v) {
			t.Errorf("%s: plain JSON: %v, %d records", name, err, len(got))
		}
	}
	var got []record.Rejected
	if err := UnpackJSON([]byte{0x90, 0x01, 0xff}, &got); err == nil {
		t.Error("a corrupt compressed body decoded without error")
	}
	// A length varint claiming 4 GiB must fail before allocating it.
	if err := UnpackJSON([]byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}, &got); err == nil || !strings.Contains(err.Error(), "claims") {
		t.Errorf("a body claiming 4 GiB: %v", err)
	}
}

// TestPackReusesNoDecodedBytes packs and unpacks batches of different
// texts one after the other: the pooled buffers must leave every decoded
// batch intact and every packed body unchanged.
func TestPackReusesNoDecodedBytes(t *testing.T) {
	var bodies [][]byte
	var want []record.Batch
	for i := range 8 {
		b := record.Batch{JobID: "j1"}
		for k := range 32 {
			text := strings.Repeat(string(rune('a'+i))+"bc order ", 10+k)
			b.Conversations = append(b.Conversations, record.Conversation{ConversationID: "j1-" + string(rune('a'+i)),
				Turns: []record.Turn{{Role: record.RoleCustomer, Text: text}}})
		}
		want = append(want, b)
		bodies = append(bodies, PackJSON(&b))
	}
	copies := make([][]byte, len(bodies))
	for i, b := range bodies {
		copies[i] = append([]byte(nil), b...)
	}
	got := make([]record.Batch, len(bodies))
	for i, body := range bodies {
		if err := UnpackJSON(body, &got[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range got {
		if string(bodies[i]) != string(copies[i]) {
			t.Errorf("body %d changed after packing others", i)
		}
		if len(got[i].Conversations) != 32 {
			t.Fatalf("batch %d: %d conversations", i, len(got[i].Conversations))
		}
		for k, c := range got[i].Conversations {
			if c.Turns[0].Text != want[i].Conversations[k].Turns[0].Text {
				t.Fatalf("batch %d conversation %d: text %q, want %q", i, k, c.Turns[0].Text, want[i].Conversations[k].Turns[0].Text)
			}
		}
	}
}
