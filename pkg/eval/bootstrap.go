package eval

import (
	"math/rand"
	"sort"
)

// Difference is the macro-F1 of one dataset minus a baseline's on the same
// real rows, with a paired bootstrap 95% interval. Significant is true when
// the interval excludes 0.
type Difference struct {
	MacroF1     float64 `json:"macro_f1_diff"`
	Low         float64 `json:"ci95_low"`
	High        float64 `json:"ci95_high"`
	Resamples   int     `json:"resamples"`
	Significant bool    `json:"significant"`
}

// Bootstrap compares two sets of predictions of the same rows: it draws
// resamples of the rows with replacement (seeded) and takes the 2.5th and
// 97.5th percentiles of macro-F1(b) - macro-F1(a) over them.
func Bootstrap(truth, a, b []string, resamples int, seed int64) Difference {
	labels := distinct(truth)
	code := make(map[string]int32, len(labels))
	for i, l := range labels {
		code[l] = int32(i)
	}
	enc := func(xs []string) []int32 {
		out := make([]int32, len(xs))
		for i, x := range xs {
			c, ok := code[x]
			if !ok {
				c = -1
			}
			out[i] = c
		}
		return out
	}
	t, pa, pb := enc(truth), enc(a), enc(b)
	all := make([]int, len(t))
	for i := range all {
		all[i] = i
	}
	d := Difference{Resamples: resamples}
	d.MacroF1 = macroF1(t, pb, all, len(labels)) - macroF1(t, pa, all, len(labels))
	if len(t) == 0 || resamples <= 0 {
		return d
	}
	rng := rand.New(rand.NewSource(seed))
	diffs := make([]float64, resamples)
	rows := make([]int, len(t))
	for r := range diffs {
		for i := range rows {
			rows[i] = rng.Intn(len(t))
		}
		diffs[r] = macroF1(t, pb, rows, len(labels)) - macroF1(t, pa, rows, len(labels))
	}
	sort.Float64s(diffs)
	d.Low = diffs[int(0.025*float64(resamples-1)+0.5)]
	d.High = diffs[int(0.975*float64(resamples-1)+0.5)]
	d.Significant = d.Low > 0 || d.High < 0
	return d
}

// macroF1 over the given rows of coded truth and predictions (-1 is a
// label outside the truth's), averaged over the labels present in them.
func macroF1(truth, pred []int32, rows []int, k int) float64 {
	tp := make([]int, k)
	fp := make([]int, k)
	sup := make([]int, k)
	for _, i := range rows {
		t, p := truth[i], pred[i]
		sup[t]++
		switch {
		case p == t:
			tp[t]++
		case p >= 0:
			fp[p]++
		}
	}
	var sum float64
	n := 0
	for c := 0; c < k; c++ {
		if sup[c] == 0 {
			continue
		}
		_, _, f := prf(tp[c], fp[c], sup[c])
		sum += f
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
