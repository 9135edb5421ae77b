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
// interleaved in a seeded random order, so every task mixes intents; the
// splits of each intent's slots follow the requested ratios exactly
// (largest remainder per intent), so the split is stratified by intent.
func Slots(quotas []record.Quota, split record.Split, seed int64) []record.Slot {
	total := 0
	for _, q := range quotas {
		total += q.Count
	}
	slots := make([]record.Slot, 0, total)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed51075))
	ratios := []float64{split.Train, split.Validation, split.Test}
	names := []string{record.SplitTrain, record.SplitValidation, record.SplitTest}
	for _, q := range quotas {
		per := largestRemainder(q.Count, ratios, split.Train+split.Validation+split.Test)
		for s, n := range per {
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
