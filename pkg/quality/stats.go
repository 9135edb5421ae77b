package quality

import (
	"sort"
	"unicode/utf8"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// ConfidenceBins is the number of equal-width bins of the confidence
// histogram over [0, 1]; a confidence of exactly 1 falls in the last.
const ConfidenceBins = 10

// Stats accumulates the accepted records of a job for the manifest and
// the report. Memory is bounded whatever the record count: counts are
// keyed by intent, turn count, text length and noise tag, and distinct
// n-grams are estimated with HyperLogLog. Not safe for concurrent use.
type Stats struct {
	records    int64
	agree      int64
	scrubbed   int64
	intents    map[string]int64
	splits     map[string]int64
	generators map[string]int64
	noise      map[string]int64
	flags      map[string]int64
	turns      map[int]int64
	chars      map[int]int64
	confidence [ConfidenceBins]int64

	unigrams, bigrams    int64
	distinct1, distinct2 hyperLogLog
}

// NewStats returns empty statistics.
func NewStats() *Stats {
	return &Stats{
		intents:    make(map[string]int64),
		splits:     make(map[string]int64),
		generators: make(map[string]int64),
		noise:      make(map[string]int64),
		flags:      make(map[string]int64),
		turns:      make(map[int]int64),
		chars:      make(map[int]int64),
	}
}

// Add accounts for one accepted record.
func (s *Stats) Add(c *record.Conversation) {
	s.records++
	s.intents[c.Intent]++
	s.splits[c.Split]++
	s.generators[c.Generator]++
	if c.Intent == c.RequestedIntent {
		s.agree++
	}
	if c.PIIScrubbed {
		s.scrubbed++
	}
	for _, t := range c.NoiseTags {
		s.noise[t]++
	}
	for _, f := range c.LabelFlags {
		s.flags[f]++
	}
	s.turns[len(c.Turns)]++
	s.confidence[confidenceBin(c.Confidence)]++
	text := c.CustomerText()
	s.chars[utf8.RuneCountInString(text)]++
	s.addNgrams(text)
}

func confidenceBin(c float64) int {
	b := int(c * ConfidenceBins)
	return min(max(b, 0), ConfidenceBins-1)
}

// addNgrams counts the word unigrams and bigrams of text, normalized as
// for fingerprints, and feeds their hashes to the distinct estimators.
func (s *Stats) addNgrams(text string) {
	var prev uint64
	first := true
	tokenHashes(text, func(h uint64) {
		s.unigrams++
		s.distinct1.add(mix64(h))
		if !first {
			s.bigrams++
			s.distinct2.add(mix64(prev*0x9e3779b97f4a7c15 ^ h))
		}
		prev, first = h, false
	})
}

// percentiles returns the nearest-rank p50, p90 and p99 of an exact
// value histogram.
func percentiles(hist map[int]int64, total int64) Percentiles {
	if total == 0 {
		return Percentiles{}
	}
	values := make([]int, 0, len(hist))
	for v := range hist {
		values = append(values, v)
	}
	sort.Ints(values)
	at := func(p float64) int {
		rank := int64(p*float64(total) + 0.999999999)
		var seen int64
		for _, v := range values {
			seen += hist[v]
			if seen >= rank {
				return v
			}
		}
		return values[len(values)-1]
	}
	return Percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99)}
}
