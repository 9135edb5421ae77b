package plan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

func TestQuotas(t *testing.T) {
	names := []string{"a", "b", "c"}
	tests := []struct {
		name    string
		samples int
		weights map[string]float64
		want    map[string]int
	}{
		{name: "uniform divides evenly", samples: 9, want: map[string]int{"a": 3, "b": 3, "c": 3}},
		{name: "uniform remainder to earliest", samples: 10, want: map[string]int{"a": 4, "b": 3, "c": 3}},
		{name: "weighted exact", samples: 400, weights: map[string]float64{"a": 3, "b": 1}, want: map[string]int{"a": 300, "b": 100}},
		{name: "weighted largest remainder", samples: 10, weights: map[string]float64{"a": 1, "b": 1, "c": 1}, want: map[string]int{"a": 4, "b": 3, "c": 3}},
		{name: "zero weight gets nothing", samples: 5, weights: map[string]float64{"a": 1, "b": 0}, want: map[string]int{"a": 5, "b": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Quotas(tt.samples, names, tt.weights)
			sum := 0
			for _, q := range got {
				sum += q.Count
				if q.Count != tt.want[q.Intent] {
					t.Errorf("%s = %d, want %d", q.Intent, q.Count, tt.want[q.Intent])
				}
			}
			if sum != tt.samples {
				t.Errorf("quotas add up to %d, want %d", sum, tt.samples)
			}
		})
	}
}

func TestUniformQuotasDifferByAtMostOne(t *testing.T) {
	names := make([]string, 27)
	for i := range names {
		names[i] = string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	for _, n := range []int{1, 26, 27, 28, 2000, 9999} {
		lo, hi := n, 0
		for _, q := range Quotas(n, names, nil) {
			lo, hi = min(lo, q.Count), max(hi, q.Count)
		}
		if hi-lo > 1 {
			t.Errorf("samples %d: counts range %d..%d", n, lo, hi)
		}
	}
}

func TestSlotsAreStratifiedAndSeeded(t *testing.T) {
	quotas := []record.Quota{{Intent: "a", Count: 37}, {Intent: "b", Count: 63}}
	split := record.Split{Train: 0.8, Validation: 0.1, Test: 0.1}
	slots := Slots(quotas, split, 7)
	perIntent := map[string]map[string]int{}
	for i, s := range slots {
		if s.Index != int64(i) {
			t.Fatalf("slot %d has index %d", i, s.Index)
		}
		if perIntent[s.Intent] == nil {
			perIntent[s.Intent] = map[string]int{}
		}
		perIntent[s.Intent][s.Split]++
	}
	if got := perIntent["a"]; got["train"] != 29 || got["validation"] != 4 || got["test"] != 4 {
		t.Errorf("intent a splits = %v, want 29/4/4 (29.6, 3.7, 3.7 by largest remainder)", got)
	}
	if got := perIntent["b"]; got["train"] != 51 || got["validation"] != 6 || got["test"] != 6 {
		t.Errorf("intent b splits = %v, want 51/6/6 (50.4, 6.3, 6.3)", got)
	}
	again := Slots(quotas, split, 7)
	other := Slots(quotas, split, 8)
	same, diff := true, false
	for i := range slots {
		same = same && slots[i] == again[i]
		diff = diff || slots[i] != other[i]
	}
	if !same || !diff {
		t.Errorf("same seed same slots: %v; other seed differs: %v", same, diff)
	}
}

func TestTasksCoverEverySlotOnce(t *testing.T) {
	slots := Slots([]record.Quota{{Intent: "a", Count: 101}}, record.Split{Train: 1}, 1)
	seen := map[int64]bool{}
	for _, task := range Tasks("j", slots, 16) {
		if len(task.Slots) > 16 {
			t.Fatalf("task of %d slots", len(task.Slots))
		}
		for _, s := range task.Slots {
			if seen[s.Index] {
				t.Fatalf("slot %d twice", s.Index)
			}
			seen[s.Index] = true
		}
	}
	if len(seen) != 101 {
		t.Errorf("covered %d slots, want 101", len(seen))
	}
}

// TestSplitsAreExactInTotal plans 2,000 rows over 27 intents: the splits
// must add up to exactly 1,600/200/200 while each intent's split counts
// stay within one of their exact shares and add up to its quota.
func TestSplitsAreExactInTotal(t *testing.T) {
	names := make([]string, 27)
	for i := range names {
		names[i] = fmt.Sprintf("intent_%02d", i)
	}
	split := record.Split{Train: 0.8, Validation: 0.1, Test: 0.1}
	quotas := Quotas(2000, names, nil)
	totals := map[string]int{}
	perIntent := map[string]map[string]int{}
	for _, s := range Slots(quotas, split, 11) {
		totals[s.Split]++
		if perIntent[s.Intent] == nil {
			perIntent[s.Intent] = map[string]int{}
		}
		perIntent[s.Intent][s.Split]++
	}
	if totals["train"] != 1600 || totals["validation"] != 200 || totals["test"] != 200 {
		t.Errorf("split totals %v, want 1600/200/200", totals)
	}
	for _, q := range quotas {
		got := perIntent[q.Intent]
		for name, ratio := range map[string]float64{"train": 0.8, "validation": 0.1, "test": 0.1} {
			exact := float64(q.Count) * ratio
			if float64(got[name]) < math.Floor(exact) || float64(got[name]) > math.Ceil(exact) {
				t.Errorf("%s: %d %s rows, exact share %.2f", q.Intent, got[name], name, exact)
			}
		}
	}
}

// TestSplitCountsProperties checks many random tables: rows add up to
// their counts, columns to the total's largest-remainder shares, and every
// cell is its exact share rounded down or up.
func TestSplitCountsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		counts := make([]int, 1+rng.IntN(40))
		total := 0
		for i := range counts {
			counts[i] = rng.IntN(200)
			total += counts[i]
		}
		w := []float64{rng.Float64(), rng.Float64() * float64(rng.IntN(2)), rng.Float64()}
		split := record.Split{Train: w[0], Validation: w[1], Test: w[2]}
		sum := w[0] + w[1] + w[2]
		got := SplitCounts(counts, split)
		cols := largestRemainder(total, w, sum)
		var colSum [3]int
		for i, row := range got {
			rowSum := 0
			for j, n := range row {
				exact := float64(counts[i]) * w[j] / sum
				if float64(n) < math.Floor(exact)-1e-9 || float64(n) > math.Ceil(exact)+1e-9 {
					t.Fatalf("trial %d: cell %d,%d = %d, exact %.3f", trial, i, j, n, exact)
				}
				rowSum += n
				colSum[j] += n
			}
			if rowSum != counts[i] {
				t.Fatalf("trial %d: row %d adds up to %d, want %d", trial, i, rowSum, counts[i])
			}
		}
		for j := range 3 {
			if colSum[j] != cols[j] {
				t.Fatalf("trial %d: column %d adds up to %d, want %d (counts %v, ratios %v)", trial, j, colSum[j], cols[j], counts, w)
			}
		}
	}
}
