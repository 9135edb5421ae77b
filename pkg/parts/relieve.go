package parts

// Limits bound what the open parts of one partition may hold before one
// of them is given back.
type Limits struct {
	// Messages is the number of held messages (tokens) that counts as
	// full: keep it under the partition consumer's MaxAckPending.
	Messages int
	// Rows is the number of records that counts as full.
	Rows int
}

// Relief is a part given back to break a stall, with the figures of its
// partition that made it necessary.
type Relief[T any] struct {
	Part      *Part[T]
	Partition int
	// Held and Rows are the partition's messages and records before the
	// part was given back.
	Held, Rows int
}

// Relieve breaks stalls. A partition's consumer stops delivering when its
// messages pending reach MaxAckPending, and if those belong to several
// unfinished parts (messages arrived out of order, or came back after a
// redelivery), none may ever complete. For every partition at its limits
// with nothing being written, Relieve forgets and returns the open part
// with the highest number, so that the lower parts can fill. Parts of jobs
// whose shape is unknown are left alone.
func (a *Assembler[T]) Relieve(l Limits) []Relief[T] {
	held, rows := map[int]int{}, map[int]int{}
	last := map[int]*Part[T]{}
	for key, p := range a.open {
		shape, ok := a.shape(key.Job)
		if !ok || p.writing || shape.Partitions <= 0 {
			continue
		}
		n := int(key.Seq % int64(shape.Partitions))
		held[n] += len(p.tokens)
		rows[n] += len(p.recs)
		if prev := last[n]; prev == nil || higher(key, prev.key) {
			last[n] = p
		}
	}
	var out []Relief[T]
	for n, h := range held {
		if h < l.Messages && rows[n] < l.Rows {
			continue
		}
		p := last[n]
		delete(a.open, p.key)
		out = append(out, Relief[T]{Part: p, Partition: n, Held: h, Rows: rows[n]})
	}
	return out
}

// higher orders parts by number, then by job so the choice is stable.
func higher(k, than Key) bool {
	if k.Seq != than.Seq {
		return k.Seq > than.Seq
	}
	return k.Job > than.Job
}
