package eval

import (
	"math/rand"
	"sort"
	"strings"
)

// Lengths are word-count percentiles (nearest rank) of a set of texts.
type Lengths struct {
	P10 int `json:"p10"`
	P50 int `json:"p50"`
	P90 int `json:"p90"`
}

// Diversity describes how varied a set of texts is. Distinct-n is the
// number of distinct word n-grams over their total, taken on at most
// DistinctTexts texts (a seeded sample) so that sets of different sizes
// compare fairly.
type Diversity struct {
	Texts         int     `json:"texts"`
	UniqueRatio   float64 `json:"unique_ratio"`
	DistinctTexts int     `json:"distinct_sample"`
	Distinct1     float64 `json:"distinct_1"`
	Distinct2     float64 `json:"distinct_2"`
	Distinct3     float64 `json:"distinct_3"`
	Words         Lengths `json:"words"`
	Vocabulary    int     `json:"vocabulary"`
}

// Coverage says how much of a real sample's vocabulary a synthetic set
// uses: the share of distinct real words (Types) and of real word
// occurrences (Tokens) whose word appears in the synthetic texts.
type Coverage struct {
	Types  float64 `json:"types"`
	Tokens float64 `json:"tokens"`
}

// Describe computes the diversity of texts; sample caps the texts used for
// distinct-n (0: all of them), drawn with seed.
func Describe(texts []string, sample int, seed int64) Diversity {
	d := Diversity{Texts: len(texts)}
	if len(texts) == 0 {
		return d
	}
	seen := map[string]bool{}
	vocab := map[string]bool{}
	lens := make([]int, len(texts))
	for i, t := range texts {
		w := Words(t)
		seen[strings.Join(w, " ")] = true
		lens[i] = len(w)
		for _, x := range w {
			vocab[x] = true
		}
	}
	d.UniqueRatio = float64(len(seen)) / float64(len(texts))
	d.Vocabulary = len(vocab)
	d.Words = percentiles(lens)
	pick := texts
	if sample > 0 && sample < len(texts) {
		idx := rand.New(rand.NewSource(seed)).Perm(len(texts))[:sample]
		sort.Ints(idx)
		pick = make([]string, sample)
		for i, j := range idx {
			pick[i] = texts[j]
		}
	}
	d.DistinctTexts = len(pick)
	d.Distinct1, d.Distinct2, d.Distinct3 = distinctN(pick, 1), distinctN(pick, 2), distinctN(pick, 3)
	return d
}

func distinctN(texts []string, n int) float64 {
	set := map[string]bool{}
	total := 0
	for _, t := range texts {
		w := Words(t)
		for i := 0; i+n <= len(w); i++ {
			set[strings.Join(w[i:i+n], " ")] = true
			total++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(len(set)) / float64(total)
}

func percentiles(xs []int) Lengths {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	rank := func(p float64) int {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return Lengths{P10: rank(0.10), P50: rank(0.50), P90: rank(0.90)}
}

// Cover measures the coverage of real's vocabulary by synthetic's.
func Cover(synthetic, real []string) Coverage {
	have := map[string]bool{}
	for _, t := range synthetic {
		for _, w := range Words(t) {
			have[w] = true
		}
	}
	types := map[string]bool{}
	var c Coverage
	tokens, hit := 0, 0
	for _, t := range real {
		for _, w := range Words(t) {
			tokens++
			if have[w] {
				hit++
			}
			types[w] = have[w]
		}
	}
	if tokens == 0 {
		return c
	}
	c.Tokens = float64(hit) / float64(tokens)
	n := 0
	for _, ok := range types {
		if ok {
			n++
		}
	}
	c.Types = float64(n) / float64(len(types))
	return c
}
