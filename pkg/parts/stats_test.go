package parts_test

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/parts"
	"github.com/synthdesk/synthdesk/pkg/record"
)

func conv(intent string) record.Conversation {
	return record.Conversation{Intent: intent, Generator: "mock/m"}
}

func TestStats(t *testing.T) {
	for _, tc := range []struct {
		name        string
		parts       map[string][]record.Conversation
		order       []string
		wantIntents map[string]int64
		wantSamples int
	}{
		{"each part counted once", map[string][]record.Conversation{"p0": {conv("a"), conv("b")}}, []string{"p0", "p0"},
			map[string]int64{"a": 1, "b": 1}, 2},
		{"samples bounded per intent", map[string][]record.Conversation{"p0": {conv("a"), conv("a"), conv("a")}, "p1": {conv("a"), conv("b")}},
			[]string{"p0", "p1"}, map[string]int64{"a": 4, "b": 1}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := parts.NewStats(2)
			for _, name := range tc.order {
				s.Add(name, tc.parts[name])
				if !s.Has(name) {
					t.Errorf("Has(%s) = false after Add", name)
				}
			}
			got := s.Summary().Intents
			for k, v := range tc.wantIntents {
				if got[k] != v {
					t.Errorf("intent %s = %d, want %d", k, got[k], v)
				}
			}
			if n := len(s.Samples()); n != tc.wantSamples {
				t.Errorf("%d samples, want %d", n, tc.wantSamples)
			}
		})
	}
}
