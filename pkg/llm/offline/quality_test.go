package offline

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
)

// sample composes n conversations over the default intents with random
// seeds and axes, 2 to 6 turns.
func sample(t testing.TB, n int, seed uint64) ([]llm.Spec, []llm.Draft) {
	tax := defaultTaxonomy(t)
	rng := rand.New(rand.NewPCG(seed, seed+1))
	specs := make([]llm.Spec, n)
	for i := range specs {
		specs[i] = randomSpec(tax, rng, 2, 6)
	}
	return specs, generate(t, New(Config{}), specs...)
}

var (
	emailRe  = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+`)
	safeMail = regexp.MustCompile(`@example\.(com|org|net)$`)
	phoneRe  = regexp.MustCompile(`\b\d{3}[-. ]\d{4}\b`)
	safePh   = regexp.MustCompile(`^555-01\d\d$`)
	longNum  = regexp.MustCompile(`\d{12,19}`)
	testCard = []string{"4111111111111111", "4242424242424242", "4012888888881881", "5555555555554444", "5105105105105100", "378282246310005", "6011111111111117"}
)

func TestSafeValues(t *testing.T) {
	tax := defaultTaxonomy(t)
	s := New(Config{})
	rng := rand.New(rand.NewPCG(5, 6))
	var mails, phones int
	for range 20000 {
		sp := randomSpec(tax, rng, 2, 12)
		for _, turn := range generate(t, s, sp)[0].Turns {
			for _, m := range emailRe.FindAllString(turn.Text, -1) {
				mails++
				if !safeMail.MatchString(m) {
					t.Fatalf("unsafe email %q in %q", m, turn.Text)
				}
			}
			for _, p := range phoneRe.FindAllString(turn.Text, -1) {
				phones++
				if !safePh.MatchString(p) {
					t.Fatalf("unsafe phone %q in %q", p, turn.Text)
				}
			}
			for _, c := range longNum.FindAllString(turn.Text, -1) {
				if !slices.Contains(testCard, c) {
					t.Fatalf("long number %q is not a published test card in %q", c, turn.Text)
				}
			}
		}
	}
	if mails == 0 || phones == 0 {
		t.Fatalf("checked %d emails and %d phones; the sample should contain both", mails, phones)
	}
}

func TestCardSlots(t *testing.T) {
	tax := defaultTaxonomy(t)
	in, _ := tax.Lookup("payment_issue")
	c := composers.Get().(*composer)
	defer composers.Put(c)
	ci, err := compileIntent(in)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range int64(200) {
		c.reset(ci, record.Axes{}, seed)
		last4, card := c.value(slotCardLast4), c.value(slotCard)
		if !slices.Contains(testCard, card) || !strings.HasSuffix(card, last4) {
			t.Fatalf("card %q with last four %q", card, last4)
		}
	}
}

// TestVariety measures repeated customer text over 10,000 conversations.
func TestVariety(t *testing.T) {
	if testing.Short() {
		t.Skip("composes 10,000 conversations")
	}
	_, drafts := sample(t, 10000, 77)
	openers := map[string]int{}
	full := map[string]int{}
	for _, d := range drafts {
		c := record.Conversation{Turns: d.Turns}
		openers[d.Turns[0].Text]++
		full[c.CustomerText()]++
	}
	repOpen := float64(len(drafts)-len(openers)) / float64(len(drafts))
	repFull := float64(len(drafts)-len(full)) / float64(len(drafts))
	t.Logf("10000 conversations: %.2f%% repeated opening turns, %.2f%% repeated full customer text", 100*repOpen, 100*repFull)
	if repOpen >= 0.03 {
		t.Errorf("%.2f%% repeated opening turns, want < 3%%", 100*repOpen)
	}
	if repFull >= 0.01 {
		t.Errorf("%.2f%% repeated customer texts, want < 1%%", 100*repFull)
	}
}

// TestRulesAgreement measures how often the default rules label a
// conversation with the intent it was composed for. Conversations the
// rules disagree with are rejected downstream, so this is the yield.
func TestRulesAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("composes 10,000 conversations")
	}
	eng, err := rules.Compile(defaultTaxonomy(t))
	if err != nil {
		t.Fatal(err)
	}
	specs, drafts := sample(t, 10000, 78)
	wrong := map[string]int{}
	agree := 0
	for i, d := range drafts {
		if r := eng.Classify(d.Turns); r.Intent == specs[i].Intent.Name {
			agree++
		} else {
			wrong[specs[i].Intent.Name]++
		}
	}
	rate := float64(agree) / float64(len(drafts))
	t.Logf("rules agree on %.2f%% of 10000 conversations; disagreements by intent: %v", 100*rate, wrong)
	// Measured 96.67% (seed 78) with the default rules and calibration;
	// the bar leaves room for small changes to the material. Keyword,
	// fragment and colloquial first turns carry less evidence than full
	// sentences; the pipeline regenerates what the rules reject.
	if rate < 0.93 {
		t.Errorf("rules agree on %.2f%%, want at least 93%%", 100*rate)
	}
}
