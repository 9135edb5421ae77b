package admission

// rejectTable keeps the reject and abandon entries of a job by slot
// attempt, for Previous. A job turns down a tenth of its attempts or more,
// so each is kept in 14 bytes instead of a whole Entry: the kind, the
// requested and target intents as indexes into a table of names, and up
// to maxPackedReasons reasons, in order, as indexes into another. An
// entry that does not fit (more reasons, or more than 255 distinct
// reasons or 65,535 intents in a job) is kept whole. Previous rebuilds
// the Entry Decide made: the id is the record's own.
type rejectTable struct {
	packed  map[uint64]packedReject
	whole   map[uint64]Entry
	intents names[uint16]
	reasons names[uint8]
}

const maxPackedReasons = 8

type packedReject struct {
	abandon   bool
	n         uint8
	requested uint16
	target    uint16
	reasons   [maxPackedReasons]uint8
}

func (t *rejectTable) put(k uint64, e Entry) {
	if p, ok := t.pack(e); ok {
		if t.packed == nil {
			t.packed = map[uint64]packedReject{}
		}
		t.packed[k] = p
		return
	}
	if t.whole == nil {
		t.whole = map[uint64]Entry{}
	}
	t.whole[k] = e
}

func (t *rejectTable) pack(e Entry) (packedReject, bool) {
	p := packedReject{abandon: e.Kind == KindAbandon, n: uint8(len(e.Reasons))}
	if e.Kind != KindReject && e.Kind != KindAbandon || len(e.Reasons) > maxPackedReasons ||
		e.FP != nil || e.Intent != "" || e.Index != 0 || e.Accepted != 0 || e.Shortfall != nil || e.Rejections != nil {
		return p, false
	}
	var ok bool
	if p.requested, ok = t.intents.id(e.Requested); !ok {
		return p, false
	}
	if p.target, ok = t.intents.id(e.Target); !ok {
		return p, false
	}
	for i, r := range e.Reasons {
		if p.reasons[i], ok = t.reasons.id(r); !ok {
			return p, false
		}
	}
	return p, true
}

// get returns the entry put under k, with id as its ID.
func (t *rejectTable) get(k uint64, id string, slot int64, attempt int32) (Entry, bool) {
	if e, ok := t.whole[k]; ok {
		return e, true
	}
	p, ok := t.packed[k]
	if !ok {
		return Entry{}, false
	}
	e := Entry{Kind: KindReject, ID: id, Slot: slot, Attempt: attempt,
		Requested: t.intents.list[p.requested], Target: t.intents.list[p.target]}
	if p.abandon {
		e.Kind = KindAbandon
	}
	if p.n > 0 {
		e.Reasons = make([]string, p.n)
		for i := range e.Reasons {
			e.Reasons[i] = t.reasons.list[p.reasons[i]]
		}
	}
	return e, true
}

// names numbers the distinct strings it is given, as long as the
// numbers fit in T.
type names[T uint8 | uint16] struct {
	ids  map[string]T
	list []string
}

func (n *names[T]) id(s string) (T, bool) {
	if id, ok := n.ids[s]; ok {
		return id, true
	}
	if uint64(len(n.list)) > uint64(^T(0)) {
		return 0, false
	}
	if n.ids == nil {
		n.ids = map[string]T{}
	}
	n.ids[s] = T(len(n.list))
	n.list = append(n.list, s)
	return T(len(n.list) - 1), true
}
