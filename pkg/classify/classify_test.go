package classify

import (
	"slices"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/noise"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

func engine(t *testing.T) *rules.Engine {
	t.Helper()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.Compile(tax)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func conv(requested, text string) *record.Conversation {
	return &record.Conversation{
		ConversationID: "c", Seed: 3, Slot: 1, RequestedIntent: requested,
		Turns: []record.Turn{
			{Role: record.RoleCustomer, Text: text},
			{Role: record.RoleAgent, Text: "Sure, let me look into that for you."},
		},
	}
}

func TestLabel(t *testing.T) {
	e := engine(t)
	none, _ := noise.Resolve("none", nil)
	heavy, _ := noise.Resolve("heavy", nil)
	tests := []struct {
		name      string
		c         *record.Conversation
		settings  Settings
		wantLabel string
		wantFlag  string
	}{
		{name: "agreeing label", c: conv("track_order", "Where is my package? It was supposed to arrive yesterday."),
			settings: Settings{Noise: none, FlipPolicy: FlipDrop}, wantLabel: "track_order"},
		{name: "disagreement is flagged", c: conv("cancel_order", "Where is my package? It was supposed to arrive yesterday."),
			settings: Settings{Noise: none, FlipPolicy: FlipDrop}, wantLabel: "track_order", wantFlag: FlagDisagreement},
		{name: "noise keeps the label under drop", c: conv("get_refund", "I would like my money back for the broken blender please."),
			settings: Settings{Noise: heavy, FlipPolicy: FlipDrop}, wantLabel: "get_refund"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			Label(e, tt.settings, tt.c)
			if tt.c.Intent != tt.wantLabel {
				t.Errorf("intent %s, want %s", tt.c.Intent, tt.wantLabel)
			}
			if tt.wantFlag != "" && !slices.Contains(tt.c.LabelFlags, tt.wantFlag) {
				t.Errorf("flags %v lack %s", tt.c.LabelFlags, tt.wantFlag)
			}
			if tt.c.Confidence < 0 || tt.c.Confidence > 1 || tt.c.RulesVersion != e.Version() {
				t.Errorf("confidence %v rules %s", tt.c.Confidence, tt.c.RulesVersion)
			}
			if tt.c.Turns[1].Text != "Sure, let me look into that for you." {
				t.Error("noise touched an agent turn")
			}
		})
	}
}

func TestLabelNoiseIsSeeded(t *testing.T) {
	e := engine(t)
	heavy, _ := noise.Resolve("heavy", nil)
	s := Settings{Noise: heavy, FlipPolicy: FlipKeep}
	text := "hello, I need to change the delivery address on my order ORD-123456 before it ships"
	a, b := conv("change_shipping_address", text), conv("change_shipping_address", text)
	Label(e, s, a)
	Label(e, s, b)
	if a.Turns[0].Text != b.Turns[0].Text || !slices.Equal(a.NoiseTags, b.NoiseTags) {
		t.Fatalf("same seed, different noise: %q %v vs %q %v", a.Turns[0].Text, a.NoiseTags, b.Turns[0].Text, b.NoiseTags)
	}
}

// TestLabelKeepsGeneratorTags checks that the tags the generator wrote
// (forms and registers) stay on the record next to the noise tags, also
// when the drop policy undoes the noise.
func TestLabelKeepsGeneratorTags(t *testing.T) {
	e := engine(t)
	none, _ := noise.Resolve("none", nil)
	heavy, _ := noise.Resolve("heavy", nil)
	written := []string{"I:form_question", "Q:register_colloquial"}
	for _, tt := range []struct {
		name     string
		settings Settings
		noisy    bool
	}{
		{"no noise", Settings{Noise: none, FlipPolicy: FlipDrop}, false},
		{"heavy noise", Settings{Noise: heavy, FlipPolicy: FlipKeep}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := conv("track_order", "where is my package?? it was supposed to arrive yesterday")
			c.NoiseTags = slices.Clone(written)
			Label(e, tt.settings, c)
			if !slices.Equal(c.NoiseTags[:2], written) {
				t.Fatalf("tags %v do not start with the generator's %v", c.NoiseTags, written)
			}
			if got := len(c.NoiseTags) > 2; got != tt.noisy {
				t.Errorf("tags %v: noise tags added = %v, want %v", c.NoiseTags, got, tt.noisy)
			}
		})
	}
}
