package eval

import (
	"sort"
	"strings"
)

// Memorization thresholds: a near-verbatim copy shares at least
// NearJaccard of its word 3-grams with a real text, both of at least
// MinCopyWords words.
const (
	NearJaccard  = 0.8
	MinCopyWords = 6
)

// Copy is a synthetic text and its nearest real text.
type Copy struct {
	Synthetic string  `json:"synthetic"`
	Real      string  `json:"real"`
	Jaccard   float64 `json:"jaccard"`
}

// Memorization counts synthetic texts that copy a real text. Verbatim are
// equal to a real text of MinCopyWords words or more once lower-cased and
// stripped of punctuation; NearVerbatim (verbatim ones included) have a
// word 3-gram Jaccard of at least NearJaccard with one. MeanNearest is the
// mean over synthetic texts of the Jaccard with their nearest real text.
// Examples are the closest pairs, at most five.
type Memorization struct {
	Texts        int     `json:"texts"`
	Verbatim     int     `json:"verbatim"`
	NearVerbatim int     `json:"near_verbatim"`
	MeanNearest  float64 `json:"mean_nearest_jaccard"`
	Examples     []Copy  `json:"examples,omitempty"`
}

// Memorize finds, for every synthetic text, its nearest real text by word
// 3-gram Jaccard, through an inverted index of the real 3-grams.
func Memorize(synthetic, real []string) Memorization {
	m := Memorization{Texts: len(synthetic)}
	realGrams := make([]map[string]bool, len(real))
	realNorm := map[string]int{}
	index := map[string][]int32{}
	for i, t := range real {
		w := Words(t)
		realGrams[i] = trigrams(w)
		if len(w) >= MinCopyWords {
			realNorm[strings.Join(w, " ")] = i
		}
		for g := range realGrams[i] {
			index[g] = append(index[g], int32(i))
		}
	}
	var near []Copy
	shared := map[int32]int{}
	for _, t := range synthetic {
		w := Words(t)
		grams := trigrams(w)
		clear(shared)
		for g := range grams {
			for _, r := range index[g] {
				shared[r]++
			}
		}
		best, bestJ := int32(-1), 0.0
		for r, n := range shared {
			j := float64(n) / float64(len(grams)+len(realGrams[r])-n)
			if j > bestJ || j == bestJ && r < best {
				best, bestJ = r, j
			}
		}
		m.MeanNearest += bestJ
		if _, ok := realNorm[strings.Join(w, " ")]; ok {
			m.Verbatim++
		}
		if best >= 0 && bestJ >= NearJaccard && len(w) >= MinCopyWords && len(Words(real[best])) >= MinCopyWords {
			m.NearVerbatim++
			near = append(near, Copy{Synthetic: t, Real: real[best], Jaccard: bestJ})
		}
	}
	if len(synthetic) > 0 {
		m.MeanNearest /= float64(len(synthetic))
	}
	sort.SliceStable(near, func(i, j int) bool { return near[i].Jaccard > near[j].Jaccard })
	m.Examples = near[:min(len(near), 5)]
	return m
}

// trigrams are the distinct word 3-grams of w; a text under three words
// has its whole text as its one gram.
func trigrams(w []string) map[string]bool {
	g := map[string]bool{}
	if len(w) > 0 && len(w) < 3 {
		g[strings.Join(w, " ")] = true
	}
	for i := 0; i+3 <= len(w); i++ {
		g[strings.Join(w[i:i+3], " ")] = true
	}
	return g
}
