package quality

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/noise"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// TestNoiseCreatesNoContentFindings backs running the content checks once,
// before noise: for every clean text of the content-check cases (near
// misses included), noise from each preset and from each injector alone at
// full rate, over many seeds, never makes CheckContent find something on
// the noised conversation that it did not find on the clean one.
func TestNoiseCreatesNoContentFindings(t *testing.T) {
	var texts []string
	for _, file := range []string{"metatalk.yaml", "placeholder.yaml"} {
		for _, tc := range loadCases[textCase](t, file) {
			texts = append(texts, tc.Text)
		}
	}
	for _, tc := range loadCases[piiCase](t, "pii.yaml") {
		texts = append(texts, tc.Text)
	}
	profiles := map[string]noise.Profile{}
	for _, name := range noise.Presets() {
		p, err := noise.Resolve(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		profiles[name] = p
	}
	for _, inj := range noise.Injectors() {
		p, err := noise.Resolve("none", map[string]float64{inj: 1})
		if err != nil {
			t.Fatal(err)
		}
		profiles[inj] = p
	}
	ch := newChecker(t, Config{PII: PIIReject})
	checked := 0
	for _, text := range texts {
		clean, _ := ch.CheckContent(conversation(text, agentReply))
		for name, p := range profiles {
			for seed := range uint64(200) {
				noised, _ := noise.Apply(rand.New(rand.NewPCG(seed, 1)), text, p)
				got, detail := ch.CheckContent(conversation(noised, agentReply))
				checked++
				for _, r := range got {
					if !slices.Contains(clean, r) {
						t.Fatalf("noise %s (seed %d) created %s: %q -> %q (%s)", name, seed, r, text, noised, detail)
					}
				}
			}
		}
	}
	t.Logf("%d noised texts checked", checked)
}

// TestCheckIsFormAndContent checks that Check finds what CheckForm and
// CheckContent find between them, on every case of the check tables (the
// validator runs CheckForm alone on records the classifier content-checked).
func TestCheckIsFormAndContent(t *testing.T) {
	var convs []func() *record.Conversation
	for _, file := range []string{"metatalk.yaml", "placeholder.yaml"} {
		for _, tc := range loadCases[textCase](t, file) {
			convs = append(convs, func() *record.Conversation { return conversation(tc.Text, agentReply) })
		}
	}
	for _, tc := range loadCases[englishCase](t, "english.yaml") {
		convs = append(convs, func() *record.Conversation { return conversation(tc.Turns...) })
	}
	for _, tc := range loadCases[piiCase](t, "pii.yaml") {
		convs = append(convs, func() *record.Conversation { return conversation(tc.Text, agentReply) })
	}
	for _, tc := range loadCases[structureCase](t, "structure.yaml") {
		convs = append(convs, func() *record.Conversation {
			conv := conversation()
			for _, turn := range tc.Turns {
				for role, text := range turn {
					conv.Turns = append(conv.Turns, record.Turn{Role: role, Text: text})
				}
			}
			return conv
		})
	}
	ch := newChecker(t, Config{PII: PIIReject})
	found := 0
	for i, conv := range convs {
		all, _ := ch.Check(conv())
		form, _ := ch.CheckForm(conv())
		content, _ := ch.CheckContent(conv())
		split := append(form, content...)
		slices.Sort(all)
		slices.Sort(split)
		if !slices.Equal(all, split) {
			t.Errorf("case %d: Check %v, CheckForm+CheckContent %v", i, all, split)
		}
		found += len(all)
	}
	if found == 0 {
		t.Fatal("no case has a finding")
	}
}
