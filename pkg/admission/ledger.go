// Package admission is the quality gate's decision logic for one job: which
// records are admitted, under which dense output index, and which slots are
// regenerated or given up. Every decision is an Entry of the job's ledger;
// replaying the ledger rebuilds the same state, so the decisions survive a
// restart and agree across replicas (the bus serializes appends).
package admission

import (
	"maps"

	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Entry kinds.
const (
	KindAccept  = "accept"  // admitted under Index
	KindReject  = "reject"  // turned down; the slot is regenerated for Target
	KindAbandon = "abandon" // turned down; the retry budget is spent
	KindSeal    = "seal"    // every slot is resolved; Accepted is final
)

// Entry is one decision in a job's ledger.
type Entry struct {
	Kind    string `json:"kind"`
	ID      string `json:"id,omitempty"`
	Slot    int64  `json:"slot,omitempty"`
	Attempt int32  `json:"attempt,omitempty"`
	// Requested is the intent the slot aimed at.
	Requested string `json:"requested,omitempty"`
	// Intent is the label counted against the quota (accept).
	Intent string `json:"intent,omitempty"`
	// Target is the intent the regenerated slot aims at (reject).
	Target  string               `json:"target,omitempty"`
	Index   int64                `json:"index,omitempty"`
	Reasons []string             `json:"reasons,omitempty"`
	FP      *quality.Fingerprint `json:"fp,omitempty"`
	// Accepted and Shortfall are set on the seal.
	Accepted   int64            `json:"accepted,omitempty"`
	Shortfall  []record.Quota   `json:"shortfall,omitempty"`
	Rejections map[string]int64 `json:"rejections,omitempty"`
}

// Config is a job's admission policy.
type Config struct {
	Quotas        []record.Quota
	RetryBudget   int
	NearDuplicate float64
	// DedupWindow, when positive, bounds duplicate detection to recent
	// accepted records (record.Quality.DedupWindow); otherwise every
	// accepted record is kept.
	DedupWindow int
}

// Ledger is the admission state of one job. Not safe for concurrent use.
type Ledger struct {
	cfg      Config
	order    []string
	quota    map[string]int
	accepted map[string]int
	// targets counts unresolved slots aiming at each intent.
	targets map[string]int
	samples int64
	// admitted holds the accepted attempt and index of each slot;
	// rejected the reject and abandon entries by slot attempt.
	admitted  slotTable
	rejected  rejectTable
	dups      *dupWindow
	next      int64
	regens    int
	abandoned int64
	sealed    bool
	// reasons counts rejection reasons over reject and abandon entries.
	reasons map[string]int64
	seal    Entry
}

// New returns the empty ledger of a job.
func New(cfg Config) *Ledger {
	l := &Ledger{
		cfg: cfg, quota: map[string]int{}, accepted: map[string]int{}, targets: map[string]int{},
		dups:    newDupWindow(cfg.NearDuplicate, cfg.DedupWindow),
		reasons: map[string]int64{},
	}
	for _, q := range cfg.Quotas {
		l.order = append(l.order, q.Intent)
		l.quota[q.Intent] = q.Count
		l.targets[q.Intent] = q.Count
		l.samples += int64(q.Count)
	}
	// Slots are numbered from 0 to samples-1.
	l.admitted.dense = make([]uint64, l.samples)
	return l
}

func slotKey(slot int64, attempt int32) uint64 { return uint64(slot)<<16 | uint64(uint16(attempt)) }

// Previous returns the decision already taken for a record, if any: a
// redelivered record must get the same answer.
func (l *Ledger) Previous(c *record.Conversation) (Entry, bool) {
	if e, ok := l.rejected.get(slotKey(c.Slot, c.Attempt), c.ConversationID, c.Slot, c.Attempt); ok {
		return e, true
	}
	if index, ok := l.admitted.get(c.Slot, c.Attempt); ok {
		return Entry{Kind: KindAccept, ID: c.ConversationID, Slot: c.Slot, Attempt: c.Attempt, Intent: c.Intent, Index: index}, true
	}
	return Entry{}, false
}

// Decide returns the decision for a record that passed or failed the
// per-record checks (reasons); fp is the fingerprint of its customer text
// (quality.NewFingerprint), computed by the caller outside any lock. It
// does not change the ledger: the caller appends the entry to the bus and
// then calls Apply.
func (l *Ledger) Decide(c *record.Conversation, reasons []string, fp quality.Fingerprint) Entry {
	e := Entry{ID: c.ConversationID, Slot: c.Slot, Attempt: c.Attempt, Requested: c.RequestedIntent}
	if len(reasons) == 0 {
		switch _, why, dup := l.dups.Match(fp); {
		case dup:
			reasons = []string{why}
		case l.accepted[c.Intent] >= l.quota[c.Intent]:
			reasons = []string{quality.ReasonQuotaFull}
		default:
			e.Kind, e.Intent, e.Index, e.FP = KindAccept, c.Intent, l.next, &fp
			return e
		}
	}
	e.Reasons = reasons
	if l.regens >= l.cfg.RetryBudget {
		e.Kind = KindAbandon
		return e
	}
	e.Kind, e.Target = KindReject, c.RequestedIntent
	if reasons[0] == quality.ReasonQuotaFull {
		e.Target = l.neediest(c.RequestedIntent)
	}
	return e
}

// neediest is the intent whose quota is furthest from being covered by
// accepted records and unresolved slots; fallback when none is short.
func (l *Ledger) neediest(fallback string) string {
	best, bestDeficit := fallback, 0
	for _, n := range l.order {
		if d := l.quota[n] - l.accepted[n] - l.targets[n]; d > bestDeficit {
			best, bestDeficit = n, d
		}
	}
	return best
}

// Apply records an appended entry; replaying a ledger's entries in order
// rebuilds its state.
func (l *Ledger) Apply(e Entry) {
	k := slotKey(e.Slot, e.Attempt)
	switch e.Kind {
	case KindAccept:
		l.admitted.set(e.Slot, e.Attempt, e.Index)
		l.accepted[e.Intent]++
		l.targets[e.Requested]--
		l.next = e.Index + 1
		if e.FP != nil {
			l.dups.Add(*e.FP)
		}
	case KindReject:
		l.countReasons(e.Reasons)
		l.rejected.put(k, e)
		l.regens++
		l.targets[e.Requested]--
		l.targets[e.Target]++
	case KindAbandon:
		l.countReasons(e.Reasons)
		l.rejected.put(k, e)
		l.abandoned++
		l.targets[e.Requested]--
	case KindSeal:
		l.sealed = true
		l.seal = e
	}
}

// Seal returns the seal entry once every slot is resolved and the ledger
// is not sealed yet.
func (l *Ledger) Seal() (Entry, bool) {
	if l.sealed || l.next+l.abandoned < l.samples {
		return Entry{}, false
	}
	e := Entry{Kind: KindSeal, Accepted: l.next, Rejections: maps.Clone(l.reasons)}
	for _, n := range l.order {
		if short := l.quota[n] - l.accepted[n]; short > 0 {
			e.Shortfall = append(e.Shortfall, record.Quota{Intent: n, Count: short})
		}
	}
	return e, true
}

// SealEntry is the applied seal (zero before Sealed).
func (l *Ledger) SealEntry() Entry { return l.seal }

// Sealed reports whether the seal was applied.
func (l *Ledger) Sealed() bool { return l.sealed }

// Accepted is the number of admitted records.
func (l *Ledger) Accepted() int64 { return l.next }

// Regenerations is the retry budget spent.
func (l *Ledger) Regenerations() int { return l.regens }

// Abandoned is the number of slots given up.
func (l *Ledger) Abandoned() int64 { return l.abandoned }

// Reasons counts rejection reasons over reject and abandon entries.
func (l *Ledger) Reasons() map[string]int64 { return maps.Clone(l.reasons) }

func (l *Ledger) countReasons(rs []string) {
	for _, r := range rs {
		l.reasons[r]++
	}
}

// slotTable maps a slot to the attempt admitted for it and its index: 8
// bytes per slot of the job, and a map for what does not fit (a slot
// outside the job's range, an attempt past 65534, an index past 2^48).
type slotTable struct {
	dense []uint64 // (attempt+1)<<48 | index; 0: none
	other map[uint64]int64
}

const slotIndexBits = 48

func (t *slotTable) set(slot int64, attempt int32, index int64) {
	if slot >= 0 && slot < int64(len(t.dense)) && attempt >= 0 && attempt < 1<<16-1 && index >= 0 && index < 1<<slotIndexBits {
		t.dense[slot] = uint64(attempt+1)<<slotIndexBits | uint64(index)
		return
	}
	if t.other == nil {
		t.other = map[uint64]int64{}
	}
	t.other[slotKey(slot, attempt)] = index
}

func (t *slotTable) get(slot int64, attempt int32) (int64, bool) {
	if slot >= 0 && slot < int64(len(t.dense)) {
		if v := t.dense[slot]; v != 0 && int32(v>>slotIndexBits)-1 == attempt {
			return int64(v & (1<<slotIndexBits - 1)), true
		}
	}
	index, ok := t.other[slotKey(slot, attempt)]
	return index, ok
}
