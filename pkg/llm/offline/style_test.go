package offline

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
	"math/rand/v2"
)

// bitextTag is a tag with a Bitext variation letter.
var bitextTag = regexp.MustCompile(`^[BICDMLPQWKEZN]:[a-z_]+$`)

// TestFirstTurnStyles checks that first turns follow the style drawn for
// them: every form and register occurs, the tags name them with Bitext
// letters, and short turns without greetings occur next to full ones.
func TestFirstTurnStyles(t *testing.T) {
	specs, drafts := sample(t, 3000, 91)
	forms, registers := map[string]int{}, map[string]int{}
	short, bare := 0, 0
	for i, d := range drafts {
		st := llm.DrawStyle(specs[i].Seed, specs[i].Axes)
		registers[st.Register]++
		if !slices.IsSorted(d.Tags) || len(d.Tags) == 0 {
			t.Fatalf("draft %d: tags %v, want sorted and not empty", i, d.Tags)
		}
		for _, tag := range d.Tags {
			if !bitextTag.MatchString(tag) {
				t.Fatalf("draft %d: tag %q is not LETTER:name", i, tag)
			}
		}
		if slices.Contains(d.Tags, tagOpener) {
			continue
		}
		forms[st.Form]++
		if !slices.Contains(d.Tags, formTags[st.Form]) {
			t.Errorf("draft %d: form %s but tags %v", i, st.Form, d.Tags)
		}
		if rt := registerTags[st.Register]; rt != "" && !slices.Contains(d.Tags, rt) {
			t.Errorf("draft %d: register %s but tags %v", i, st.Register, d.Tags)
		}
		open := d.Turns[0].Text
		if len(strings.Fields(open)) <= 3 {
			short++
		}
		if !strings.Contains(open, "\n") && !regexp.MustCompile(`(?i)^(hi|hello|hey|good|dear|yes|oh|yeah)\b`).MatchString(open) {
			bare++
		}
	}
	for _, f := range llm.Forms {
		if forms[f] < 30 {
			t.Errorf("form %s drawn %d times in 3000, want at least 30", f, forms[f])
		}
	}
	for _, r := range llm.Registers {
		if registers[r] < 30 {
			t.Errorf("register %s drawn %d times in 3000, want at least 30", r, registers[r])
		}
	}
	if short < 150 || bare < 1000 {
		t.Errorf("%d first turns of at most 3 words and %d without a greeting in 3000, want at least 150 and 1000", short, bare)
	}
}

// bank is a taxonomy of another domain whose intents have only a name,
// a description and rules, as users write them.
func bank(t testing.TB) *taxonomy.Taxonomy {
	t.Helper()
	tax, err := taxonomy.Parse([]byte(`
version: bank-1
intents:
  - name: block_card
    category: CARDS
    description: The customer wants to block their debit or credit card because it was lost or stolen.
    rules: {phrases: {block card: 3, lost card: 3, stolen card: 3, freeze card: 2.5, card: 0.5}}
  - name: check_balance
    category: ACCOUNTS
    description: The customer asks how much money is on their account.
    rules: {phrases: {balance: 3, how much money: 2.5, account balance: 3, funds: 1.5}}
  - name: transfer_money
    category: PAYMENTS
    description: The customer wants to send money to another account.
    rules: {phrases: {transfer money: 3, send money: 3, wire transfer: 3, transfer: 1.5}}
  - name: loan_rates
    category: LOANS
    description: The customer asks which interest rates apply to personal loans.
    rules: {phrases: {interest rate: 3, loan rate: 3, personal loan: 2, loan: 1.5}}
`))
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// TestCustomTaxonomyVaries checks that intents with only a name, a
// description and rules get varied first turns from the shared forms,
// not their description sentence, and that the rules still recognise
// most of them.
func TestCustomTaxonomyVaries(t *testing.T) {
	tax := bank(t)
	eng, err := rules.Compile(tax)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Taxonomy: tax})
	const n = 400
	for i := range tax.Intents {
		in := &tax.Intents[i]
		desc := firstPerson(in.Description)
		specs := make([]llm.Spec, n)
		for k := range specs {
			specs[k] = llm.Spec{Intent: in, Axes: llm.DrawAxes(rand.New(rand.NewPCG(uint64(k), 9)), 2, 2), Seed: int64(k*7919 + i)}
		}
		drafts := generate(t, s, specs...)
		distinct, withDesc, agree := map[string]bool{}, 0, 0
		for _, d := range drafts {
			open := d.Turns[0].Text
			distinct[open] = true
			if strings.Contains(open, desc) {
				withDesc++
			}
			if eng.Classify(d.Turns).Intent == in.Name {
				agree++
			}
		}
		t.Logf("%s: %d distinct of %d, %d with the description, rules agree on %d", in.Name, len(distinct), n, withDesc, agree)
		if len(distinct) < n*3/4 {
			t.Errorf("%s: %d distinct first turns of %d, want at least %d", in.Name, len(distinct), n, n*3/4)
		}
		if withDesc > n/5 {
			t.Errorf("%s: %d of %d first turns repeat the description", in.Name, withDesc, n)
		}
		if agree < n*3/4 {
			t.Errorf("%s: rules agree on %d of %d", in.Name, agree, n)
		}
	}
}

func TestDeriveFrames(t *testing.T) {
	in := taxonomy.Intent{Name: "block_card", Description: "The customer wants to block their card. It was stolen.",
		Rules: taxonomy.RuleSpec{Phrases: map[string]float64{"freeze card": 3, "card": 0.5, "#num card": 2}}}
	f := deriveFrames(&in)
	for _, want := range []string{"block my card", "freeze my card"} {
		if !slices.Contains(f.Actions, want) {
			t.Errorf("actions %q lack %q", f.Actions, want)
		}
	}
	if !slices.Contains(f.Topics, "freeze card") || slices.Contains(f.Topics, "#num card") {
		t.Errorf("topics %q: want the multi-word phrases without entity tokens", f.Topics)
	}
	q := deriveFrames(&taxonomy.Intent{Name: "loan_rates", Description: "The customer asks which interest rates apply to loans."})
	if !slices.Contains(q.Questions, "which interest rates apply to loans") {
		t.Errorf("questions %q", q.Questions)
	}
}

func TestGerund(t *testing.T) {
	c := composers.Get().(*composer)
	defer composers.Put(c)
	for in, want := range map[string]string{
		"cancel my order": "canceling my order", "get a refund": "getting a refund", "change it": "changing it",
		"see it": "seeing it", "set up": "setting up", "track": "tracking", "free it": "freeing it",
	} {
		c.buf = append(c.buf[:0], "x "+in...)
		c.gerund(2)
		if got := string(c.buf[2:]); got != want {
			t.Errorf("gerund(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTidy(t *testing.T) {
	c := composers.Get().(*composer)
	defer composers.Put(c)
	c.buf = append(c.buf[:0], "Hi. I need  my refund  . Thanks "...)
	c.tidy(4)
	if got := string(c.buf); got != "Hi. I need my refund. Thanks" {
		t.Errorf("tidy = %q", got)
	}
}
