package admission

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// simulate runs slots through a ledger until it seals: each attempt is
// rejected with probability pReject, and labelled with another intent with
// probability pOff. It returns the ledger and the accepted count per label.
func simulate(t *testing.T, cfg Config, pReject, pOff float64, seed uint64) (*Ledger, map[string]int) {
	t.Helper()
	l := New(cfg)
	rng := rand.New(rand.NewPCG(seed, 1))
	type slot struct {
		index   int64
		intent  string
		attempt int32
	}
	var queue []slot
	var n int64
	for _, q := range cfg.Quotas {
		for range q.Count {
			queue = append(queue, slot{index: n, intent: q.Intent})
			n++
		}
	}
	got := map[string]int{}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100000 {
			t.Fatal("no convergence")
		}
		s := queue[0]
		queue = queue[1:]
		c := &record.Conversation{
			ConversationID: record.ConversationID("j", s.index, s.attempt), Slot: s.index, Attempt: s.attempt,
			RequestedIntent: s.intent, Intent: s.intent,
			Turns: []record.Turn{{Role: record.RoleCustomer, Text: randomText(rng)}},
		}
		if rng.Float64() < pOff {
			c.Intent = cfg.Quotas[rng.IntN(len(cfg.Quotas))].Intent
		}
		var reasons []string
		if rng.Float64() < pReject {
			reasons = []string{quality.ReasonPlaceholder}
		}
		e := l.Decide(c, reasons, quality.NewFingerprint(c.CustomerText()))
		l.Apply(e)
		switch e.Kind {
		case KindAccept:
			got[e.Intent]++
		case KindReject:
			queue = append(queue, slot{index: s.index, intent: e.Target, attempt: s.attempt + 1})
		}
		if seal, ok := l.Seal(); ok {
			l.Apply(seal)
		}
	}
	return l, got
}

func TestLedgerDeliversExactQuotas(t *testing.T) {
	quotas := []record.Quota{{Intent: "a", Count: 50}, {Intent: "b", Count: 30}, {Intent: "c", Count: 20}}
	tests := []struct {
		name          string
		pReject, pOff float64
	}{
		{name: "clean", pReject: 0, pOff: 0},
		{name: "30% rejected", pReject: 0.3, pOff: 0},
		{name: "relabel with 20% off-intent", pReject: 0.1, pOff: 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, got := simulate(t, Config{Quotas: quotas, RetryBudget: 10000, NearDuplicate: 1}, tt.pReject, tt.pOff, 3)
			if !l.Sealed() {
				t.Fatal("ledger not sealed")
			}
			for _, q := range quotas {
				if got[q.Intent] != q.Count {
					t.Errorf("%s accepted %d, want %d", q.Intent, got[q.Intent], q.Count)
				}
			}
			if l.Accepted() != 100 {
				t.Errorf("accepted %d, want 100", l.Accepted())
			}
		})
	}
}

func TestLedgerBudgetSealsPartialWithShortfall(t *testing.T) {
	quotas := []record.Quota{{Intent: "a", Count: 40}, {Intent: "b", Count: 40}}
	l, got := simulate(t, Config{Quotas: quotas, RetryBudget: 5, NearDuplicate: 1}, 0.5, 0, 9)
	seal, _ := l.Seal()
	_ = seal
	if !l.Sealed() {
		t.Fatal("ledger not sealed after the budget ran out")
	}
	if l.Regenerations() != 5 {
		t.Errorf("regenerations = %d, want the budget 5", l.Regenerations())
	}
	if got["a"]+got["b"] >= 80 {
		t.Errorf("accepted %d, expected a shortfall with 50%% rejections and budget 5", got["a"]+got["b"])
	}
}

func TestLedgerReplayGivesSameDecisions(t *testing.T) {
	cfg := Config{Quotas: []record.Quota{{Intent: "a", Count: 3}}, RetryBudget: 10, NearDuplicate: 0.85}
	l := New(cfg)
	var log []Entry
	texts := []string{"where is my parcel it was due on monday and still nothing has arrived at my door",
		"where is my parcel it was due on monday and still nothing has arrived at my door",
		"i would like to know the status of the package i ordered for my brother last week"}
	for i, text := range texts {
		c := &record.Conversation{ConversationID: fmt.Sprint(i), Slot: int64(i), RequestedIntent: "a", Intent: "a",
			Turns: []record.Turn{{Role: record.RoleCustomer, Text: text}}}
		e := l.Decide(c, nil, quality.NewFingerprint(c.CustomerText()))
		l.Apply(e)
		log = append(log, e)
	}
	if log[1].Kind != KindReject || log[1].Reasons[0] != quality.ReasonDuplicate {
		t.Fatalf("second identical text: %+v, want a duplicate rejection", log[1])
	}
	replayed := New(cfg)
	for _, e := range log {
		replayed.Apply(e)
	}
	c := &record.Conversation{ConversationID: "2", Slot: 2, RequestedIntent: "a", Intent: "a"}
	prev, ok := replayed.Previous(c)
	if !ok || prev.Kind != KindAccept || prev.Index != log[2].Index {
		t.Errorf("replayed decision for slot 2 = %+v, want accept at %d", prev, log[2].Index)
	}
	if replayed.Accepted() != l.Accepted() {
		t.Errorf("replayed accepted %d, original %d", replayed.Accepted(), l.Accepted())
	}
}

var words = []string{"parcel", "order", "late", "refund", "account", "help", "please", "where", "box", "card",
	"blue", "shoes", "laptop", "monday", "address", "email", "invoice", "store", "today", "week"}

// randomText returns twelve random words: distinct texts, never near duplicates.
func randomText(rng *rand.Rand) string {
	out := ""
	for range 12 {
		out += words[rng.IntN(len(words))] + fmt.Sprint(rng.IntN(1000)) + " "
	}
	return out
}

// TestPreviousAcrossAttempts checks what a redelivered record is told:
// its own decision for every attempt of a slot, nothing for an attempt not
// decided yet, also for slots outside the job's range (kept aside).
func TestPreviousAcrossAttempts(t *testing.T) {
	l := New(Config{Quotas: []record.Quota{{Intent: "a", Count: 2}}, RetryBudget: 10, NearDuplicate: 1})
	rec := func(slot int64, attempt int32, text string) *record.Conversation {
		return &record.Conversation{ConversationID: record.ConversationID("j", slot, attempt), Slot: slot, Attempt: attempt,
			RequestedIntent: "a", Intent: "a", Turns: []record.Turn{{Role: record.RoleCustomer, Text: text}}}
	}
	decide := func(c *record.Conversation, reasons []string) Entry {
		e := l.Decide(c, reasons, quality.NewFingerprint(c.CustomerText()))
		l.Apply(e)
		return e
	}
	rejected := decide(rec(1, 0, "first try"), []string{quality.ReasonPlaceholder})
	accepted := decide(rec(1, 1, "second try at the same slot"), nil)
	outside := decide(rec(7, 0, "a slot the plan never made"), nil)
	for _, tc := range []struct {
		c    *record.Conversation
		want Entry
		ok   bool
	}{
		{rec(1, 0, ""), rejected, true},
		{rec(1, 1, ""), accepted, true},
		{rec(1, 2, ""), Entry{}, false},
		{rec(0, 0, ""), Entry{}, false},
		{rec(7, 0, ""), outside, true},
		{rec(-1, 0, ""), Entry{}, false},
	} {
		got, ok := l.Previous(tc.c)
		if ok != tc.ok || got.Kind != tc.want.Kind || got.Index != tc.want.Index {
			t.Errorf("Previous(slot %d attempt %d) = %+v %v, want %+v %v", tc.c.Slot, tc.c.Attempt, got, ok, tc.want, tc.ok)
		}
	}
	if rejected.Kind != KindReject || accepted.Kind != KindAccept || outside.Kind != KindAccept || outside.Index != 1 {
		t.Fatalf("decisions: %+v %+v %+v", rejected, accepted, outside)
	}
}

// TestRejectTableRoundTrip puts reject and abandon entries, packed and
// kept whole (too many reasons, a fingerprint), and reads each back as put.
func TestRejectTableRoundTrip(t *testing.T) {
	many := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	fp := quality.NewFingerprint("where is my parcel")
	entries := []Entry{
		{Kind: KindReject, Requested: "track_order", Target: "track_order", Reasons: []string{quality.ReasonNearDuplicate}},
		{Kind: KindReject, Requested: "track_order", Target: "cancel_order", Reasons: []string{quality.ReasonQuotaFull}},
		{Kind: KindAbandon, Requested: "cancel_order", Reasons: []string{quality.ReasonPII, quality.ReasonMetaTalk, "low_confidence"}},
		{Kind: KindReject, Requested: "cancel_order", Target: "cancel_order"},
		{Kind: KindReject, Requested: "a", Target: "a", Reasons: many},
		{Kind: KindAbandon, Requested: "a", Reasons: []string{"x"}, FP: &fp},
	}
	var tab rejectTable
	for i := range entries {
		entries[i].Slot, entries[i].Attempt = int64(i), int32(i%3)
		entries[i].ID = record.ConversationID("j", entries[i].Slot, entries[i].Attempt)
		tab.put(slotKey(entries[i].Slot, entries[i].Attempt), entries[i])
	}
	if len(tab.packed) != 4 || len(tab.whole) != 2 {
		t.Errorf("%d packed and %d whole, want 4 and 2", len(tab.packed), len(tab.whole))
	}
	for _, want := range entries {
		got, ok := tab.get(slotKey(want.Slot, want.Attempt), want.ID, want.Slot, want.Attempt)
		if !ok || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("got %+v %v, want %+v", got, ok, want)
		}
	}
	if _, ok := tab.get(slotKey(99, 0), "j-99-0", 99, 0); ok {
		t.Error("an entry never put was found")
	}
}

// TestRejectTableManyReasons keeps entries whole once a job has more
// distinct reasons than a packed entry can number, and reads all back.
func TestRejectTableManyReasons(t *testing.T) {
	var tab rejectTable
	for i := range 300 {
		e := Entry{Kind: KindReject, Slot: int64(i), Requested: "a", Target: "a", Reasons: []string{fmt.Sprint("reason-", i)}}
		tab.put(slotKey(e.Slot, 0), e)
	}
	if len(tab.packed) != 256 || len(tab.whole) != 44 {
		t.Errorf("%d packed and %d whole, want 256 and 44", len(tab.packed), len(tab.whole))
	}
	for i := range 300 {
		got, ok := tab.get(slotKey(int64(i), 0), "", int64(i), 0)
		if !ok || len(got.Reasons) != 1 || got.Reasons[0] != fmt.Sprint("reason-", i) {
			t.Fatalf("slot %d: %+v %v", i, got, ok)
		}
	}
}

// TestDedupWindow decides exact repeats of earlier accepted texts: with no
// window every repeat is a duplicate; with a window of 100 a repeat of a
// record accepted 100 to 200 records ago is still found, one from before
// the previous generation is not, and a ledger replayed from the entries
// decides the same.
func TestDedupWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	texts := make([]string, 250)
	for i := range texts {
		// Letters only: normalization folds digits, so words must differ in letters.
		word := make([]byte, 6)
		for range 12 {
			for k := range word {
				word[k] = byte('a' + rng.IntN(26))
			}
			texts[i] += string(word) + " "
		}
	}
	run := func(window int) (*Ledger, []Entry) {
		l := New(Config{Quotas: []record.Quota{{Intent: "a", Count: 1000}}, RetryBudget: 1000, NearDuplicate: 0.85, DedupWindow: window})
		var log []Entry
		for i, text := range texts {
			c := &record.Conversation{ConversationID: fmt.Sprint(i), Slot: int64(i), RequestedIntent: "a", Intent: "a",
				Turns: []record.Turn{{Role: record.RoleCustomer, Text: text}}}
			e := l.Decide(c, nil, quality.NewFingerprint(c.CustomerText()))
			if e.Kind != KindAccept {
				t.Fatalf("distinct text %d: %+v", i, e)
			}
			l.Apply(e)
			log = append(log, e)
		}
		return l, log
	}
	repeat := func(l *Ledger, of int) string {
		c := &record.Conversation{ConversationID: "r", Slot: 900, RequestedIntent: "a", Intent: "a",
			Turns: []record.Turn{{Role: record.RoleCustomer, Text: texts[of]}}}
		e := l.Decide(c, nil, quality.NewFingerprint(c.CustomerText()))
		if e.Kind == KindAccept {
			return "accept"
		}
		return e.Reasons[0]
	}
	whole, _ := run(0)
	windowed, log := run(100)
	replayed := New(Config{Quotas: []record.Quota{{Intent: "a", Count: 1000}}, RetryBudget: 1000, NearDuplicate: 0.85, DedupWindow: 100})
	for _, e := range log {
		replayed.Apply(e)
	}
	for _, tc := range []struct {
		of              int
		whole, windowed string
	}{
		{of: 0, whole: quality.ReasonDuplicate, windowed: "accept"},
		{of: 99, whole: quality.ReasonDuplicate, windowed: "accept"},
		{of: 100, whole: quality.ReasonDuplicate, windowed: quality.ReasonDuplicate},
		{of: 249, whole: quality.ReasonDuplicate, windowed: quality.ReasonDuplicate},
	} {
		if got := repeat(whole, tc.of); got != tc.whole {
			t.Errorf("no window, repeat of %d: %s, want %s", tc.of, got, tc.whole)
		}
		if got := repeat(windowed, tc.of); got != tc.windowed {
			t.Errorf("window 100, repeat of %d: %s, want %s", tc.of, got, tc.windowed)
		}
		if got := repeat(replayed, tc.of); got != tc.windowed {
			t.Errorf("replayed, repeat of %d: %s, want %s", tc.of, got, tc.windowed)
		}
	}
}
