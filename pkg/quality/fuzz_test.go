package quality

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

var knownReasons = []string{
	ReasonRoleOrder, ReasonTurnCount, ReasonEmptyTurn, ReasonLength, ReasonPlaceholder,
	ReasonMetaTalk, ReasonNotEnglish, ReasonSchema, ReasonPII, ReasonGenerationError,
}

// FuzzCheck feeds arbitrary turns to Check: it must not panic, must
// return only known reasons, must keep the Go schema checks in agreement
// with the JSON Schema, and fingerprinting the result must not panic.
// roles has one byte per turn (even: customer, odd: agent, 0xff: other);
// texts holds the turn texts separated by "\x1e".
func FuzzCheck(f *testing.F) {
	f.Add([]byte{0, 1}, "where is my order 4539 1488 0343 6467?\x1eit ships today, call 212-867-5309", 0.9, true)
	f.Add([]byte{1, 1, 0}, "{{name}}\x1e\x1eAs an AI", 1.5, false)
	f.Add([]byte{0xff}, "Здравствуйте jane@gmail.com 123-45-6789", math.NaN(), true)
	f.Add([]byte{}, "", -1.0, false)
	scrub := newChecker(f, Config{MinTurns: 1, MaxTurns: 8, MaxTurnChars: 300, MaxTotalChars: 1000})
	reject := newChecker(f, Config{PII: PIIReject})
	f.Fuzz(func(t *testing.T, roles []byte, texts string, confidence float64, useScrub bool) {
		conv := conversation()
		conv.Confidence = confidence
		parts := strings.Split(texts, "\x1e")
		for i, role := range roles {
			r := expectedRole(int(role) % 2)
			if role == 0xff {
				r = "other"
			}
			conv.Turns = append(conv.Turns, record.Turn{Role: r, Text: parts[i%len(parts)]})
		}
		goErr := checkSchema(conv)
		jsonErr := validateValueJSON(conv)
		if (goErr == nil) != (jsonErr == nil) {
			t.Fatalf("schema disagreement: Go %v, JSON %v", goErr, jsonErr)
		}
		c := reject
		if useScrub {
			c = scrub
		}
		reasons, detail := c.Check(conv)
		for _, r := range reasons {
			if !slices.Contains(knownReasons, r) {
				t.Fatalf("unknown reason %q", r)
			}
		}
		if len(reasons) > 0 && detail == "" {
			t.Fatal("reasons without detail")
		}
		ix := NewIndex(0.85)
		fp := NewFingerprint(conv.CustomerText())
		ix.Match(fp)
		ix.Add(conv.ConversationID, fp)
		ix.Match(fp)
	})
}
