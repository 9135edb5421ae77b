package prompt

import (
	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// shown is one few-shot example picked for a prompt.
type shown struct {
	intent  *taxonomy.Intent
	index   int // position in intent.Examples
	example taxonomy.Example
}

// pickExamples chooses up to k examples of the requested intents. The
// choice depends only on the specs' intents and seeds: the requested
// intents take turns, starting at one chosen by the seeds, and each intent
// shows its examples from a seed-chosen offset on, so across seeds every
// example is shown about equally often and none dominates.
func pickExamples(specs []llm.Spec, k int) []shown {
	var intents []*taxonomy.Intent
	seen := map[string]bool{}
	total := 0
	mix := uint64(0x9e3779b97f4a7c15)
	for _, s := range specs {
		mix = splitmix(mix ^ uint64(s.Seed))
		if seen[s.Intent.Name] || len(s.Intent.Examples) == 0 {
			continue
		}
		seen[s.Intent.Name] = true
		intents = append(intents, s.Intent)
		total += len(s.Intent.Examples)
	}
	k = min(k, total)
	if k <= 0 {
		return nil
	}
	start := int(mix % uint64(len(intents)))
	offset := make([]int, len(intents))
	used := make([]int, len(intents))
	for i, in := range intents {
		offset[i] = int(splitmix(mix+uint64(i)+1) % uint64(len(in.Examples)))
	}
	out := make([]shown, 0, k)
	for j := 0; len(out) < k; j++ {
		i := (start + j) % len(intents)
		in := intents[i]
		if used[i] == len(in.Examples) {
			continue
		}
		idx := (offset[i] + used[i]) % len(in.Examples)
		used[i]++
		out = append(out, shown{intent: in, index: idx, example: in.Examples[idx]})
	}
	return out
}

// splitmix is the SplitMix64 finalizer: a cheap, well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
