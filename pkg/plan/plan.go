// Package plan turns a validated request into a job: per-intent quotas by
// largest-remainder rounding, one slot per requested conversation with its
// intent and split, and the generator tasks that cover the slots.
package plan

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Quotas spreads samples over intents in proportion to weights (uniform
// when weights is empty) by largest-remainder rounding: the counts add up
// to samples exactly and differ from the exact shares by less than one.
// Intents with weight 0 get nothing; order follows names.
func Quotas(samples int, names []string, weights map[string]float64) []record.Quota {
	w := make([]float64, len(names))
	var total float64
	for i, n := range names {
		if len(weights) == 0 {
			w[i] = 1
		} else {
			w[i] = weights[n]
		}
		total += w[i]
	}
	counts := largestRemainder(samples, w, total)
	out := make([]record.Quota, 0, len(names))
	for i, n := range names {
		if len(weights) > 0 {
			if _, ok := weights[n]; !ok {
				continue
			}
		}
		out = append(out, record.Quota{Intent: n, Count: counts[i]})
	}
	return out
}

// largestRemainder gives n*w[i]/total rounded so the parts add up to n;
// ties go to the earlier index.
func largestRemainder(n int, w []float64, total float64) []int {
	counts := make([]int, len(w))
	if total <= 0 {
		return counts
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(w))
	left := n
	for i := range w {
		exact := float64(n) * w[i] / total
		counts[i] = int(math.Floor(exact))
		left -= counts[i]
		rems[i] = rem{i, exact - float64(counts[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; k < left; k++ {
		counts[rems[k%len(rems)].i]++
	}
	return counts
}

// Slots assigns every slot of the job an intent and a split. Intents are
// interleaved in a seeded random order, so every task mixes intents. The
// split of each slot is fixed here, not drawn per record: the counts
// follow the requested ratios exactly, both per intent (the split is
// stratified by intent) and in total (see SplitCounts).
func Slots(quotas []record.Quota, split record.Split, seed int64) []record.Slot {
	total := 0
	counts := make([]int, len(quotas))
	for i, q := range quotas {
		total += q.Count
		counts[i] = q.Count
	}
	slots := make([]record.Slot, 0, total)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed51075))
	names := []string{record.SplitTrain, record.SplitValidation, record.SplitTest}
	perIntent := SplitCounts(counts, split)
	for i, q := range quotas {
		for s, n := range perIntent[i] {
			for range n {
				slots = append(slots, record.Slot{Intent: q.Intent, Split: names[s]})
			}
		}
	}
	rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	for i := range slots {
		slots[i].Index = int64(i)
	}
	return slots
}

// SplitCounts divides each of counts over the train, validation and test
// ratios of split. Every cell is its exact share rounded down or up, each
// row adds up to its count, and the column totals are the total's shares
// by largest remainder: 2,000 rows over 27 intents at 0.8/0.1/0.1 give
// exactly 1,600/200/200.
func SplitCounts(counts []int, split record.Split) [][3]int {
	ratios := []float64{split.Train, split.Validation, split.Test}
	sum := split.Train + split.Validation + split.Test
	total := 0
	for _, n := range counts {
		total += n
	}
	out := make([][3]int, len(counts))
	if sum <= 0 {
		return out
	}
	need := largestRemainder(total, ratios, sum) // per column, floors removed below
	r := rounder{frac: make([][3]float64, len(counts)), up: make([][3]bool, len(counts)), ratios: ratios}
	extra := make([]int, len(counts))
	for i, n := range counts {
		extra[i] = n
		for j, w := range ratios {
			exact := float64(n) * w / sum
			out[i][j] = int(math.Floor(exact))
			r.frac[i][j] = exact - float64(out[i][j])
			extra[i] -= out[i][j]
			need[j] -= out[i][j]
		}
	}
	copy(r.need[:], need)
	// Give each row its rounded-up cells, preferring its largest
	// remainders; a column already full passes a unit on along an
	// augmenting path. Only cells with a remainder round up, unless no
	// such assignment exists (never seen, kept as a safety net).
	for _, strict := range []bool{true, false} {
		r.strict = strict
		for i := range counts {
			for extra[i] > 0 {
				r.seen = [3]bool{}
				if !r.augment(i) {
					break
				}
				extra[i]--
			}
		}
	}
	for i := range out {
		for j := range 3 {
			if r.up[i][j] {
				out[i][j]++
			}
		}
	}
	return out
}

// rounder finds which cells of a split table round up: a bipartite
// assignment of rows' missing units to columns with room.
type rounder struct {
	frac   [][3]float64
	up     [][3]bool
	need   [3]int
	seen   [3]bool
	ratios []float64
	strict bool
}

func (r *rounder) allowed(i, j int) bool {
	if r.strict {
		return r.frac[i][j] > 1e-9
	}
	return r.ratios[j] > 0
}

// augment gives row i one more rounded-up cell, moving other rows' cells
// between columns when that makes room; false when impossible.
func (r *rounder) augment(i int) bool {
	cols := []int{0, 1, 2}
	sort.SliceStable(cols, func(a, b int) bool { return r.frac[i][cols[a]] > r.frac[i][cols[b]] })
	for _, j := range cols {
		if r.up[i][j] || r.seen[j] || !r.allowed(i, j) {
			continue
		}
		r.seen[j] = true
		if r.need[j] > 0 {
			r.need[j]--
			r.up[i][j] = true
			return true
		}
		for k := range r.up {
			if k != i && r.up[k][j] && r.augment(k) {
				r.up[k][j], r.up[i][j] = false, true
				return true
			}
		}
	}
	return false
}

// Tasks cuts slots into generator tasks of at most size slots each.
func Tasks(jobID string, slots []record.Slot, size int) []record.Task {
	size = max(size, 1)
	tasks := make([]record.Task, 0, (len(slots)+size-1)/size)
	for start := 0; start < len(slots); start += size {
		end := min(start+size, len(slots))
		tasks = append(tasks, record.Task{JobID: jobID, Slots: slots[start:end]})
	}
	return tasks
}
