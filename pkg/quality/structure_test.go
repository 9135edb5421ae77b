package quality

import (
	"slices"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

type structureCase struct {
	Name          string              `yaml:"name"`
	MaxTurns      int                 `yaml:"max_turns"`
	MaxTurnChars  int                 `yaml:"max_turn_chars"`
	MaxTotalChars int                 `yaml:"max_total_chars"`
	Turns         []map[string]string `yaml:"turns"`
	Want          []string            `yaml:"want"`
}

func TestStructure(t *testing.T) {
	for _, tc := range loadCases[structureCase](t, "structure.yaml") {
		t.Run(tc.Name, func(t *testing.T) {
			c := newChecker(t, Config{MaxTurns: tc.MaxTurns, MaxTurnChars: tc.MaxTurnChars, MaxTotalChars: tc.MaxTotalChars})
			conv := conversation()
			for _, turn := range tc.Turns {
				for role, text := range turn {
					conv.Turns = append(conv.Turns, record.Turn{Role: role, Text: text})
				}
			}
			got, detail := c.Check(conv)
			if !slices.Equal(got, tc.Want) && !(len(got) == 0 && len(tc.Want) == 0) {
				t.Fatalf("reasons %v, want %v (detail %q)", got, tc.Want, detail)
			}
			if len(got) > 0 && detail == "" {
				t.Fatal("rejection without detail")
			}
		})
	}
}

func TestNewCheckerConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{name: "zero config takes defaults", cfg: Config{}, ok: true},
		{name: "reject policy", cfg: Config{MinTurns: 1, MaxTurns: 1, PII: PIIReject}, ok: true},
		{name: "unknown policy", cfg: Config{PII: "mask"}},
		{name: "max below min", cfg: Config{MinTurns: 4, MaxTurns: 2}},
		{name: "negative min", cfg: Config{MinTurns: -1}},
		{name: "total below turn", cfg: Config{MaxTurnChars: 100, MaxTotalChars: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewChecker(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
