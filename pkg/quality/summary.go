package quality

// Summary is the JSON form of Stats for the manifest and the report.
type Summary struct {
	Records int64 `json:"records"`
	// Intents counts records per final intent label.
	Intents map[string]int64 `json:"intents"`
	// Splits counts records per split (train, validation, test).
	Splits map[string]int64 `json:"splits"`
	// Generators counts records per generator ("backend/model").
	Generators map[string]int64 `json:"generators"`
	// LabelAgreement is the share of records whose intent equals the
	// requested intent.
	LabelAgreement float64 `json:"label_agreement"`
	// Confidence counts records per confidence bin: bin i is
	// [i/10, (i+1)/10), the last includes 1.
	Confidence [ConfidenceBins]int64 `json:"confidence_histogram"`
	// Turns counts records per number of turns (JSON keys are the counts).
	Turns map[int]int64 `json:"turns"`
	// TurnsPercentiles and CustomerChars summarize the turn count and the
	// length in characters of the customer text.
	TurnsPercentiles Percentiles `json:"turns_percentiles"`
	CustomerChars    Percentiles `json:"customer_chars"`
	// Distinct1 and Distinct2 are distinct word unigrams and bigrams of
	// the customer text over their totals, all records together; the
	// distinct counts are HyperLogLog estimates (about 0.8% error).
	Distinct1 float64 `json:"distinct_1"`
	Distinct2 float64 `json:"distinct_2"`
	// NoiseTags and LabelFlags count records per tag and flag.
	NoiseTags  map[string]int64 `json:"noise_tags"`
	LabelFlags map[string]int64 `json:"label_flags"`
	// PIIScrubbed counts records whose PII was replaced.
	PIIScrubbed int64 `json:"pii_scrubbed"`
}

// Percentiles are nearest-rank percentiles, exact.
type Percentiles struct {
	P50 int `json:"p50"`
	P90 int `json:"p90"`
	P99 int `json:"p99"`
}

// Summary returns the statistics of the records added so far.
func (s *Stats) Summary() Summary {
	sum := Summary{
		Records:          s.records,
		Intents:          copyCounts(s.intents),
		Splits:           copyCounts(s.splits),
		Generators:       copyCounts(s.generators),
		Turns:            copyCounts(s.turns),
		Confidence:       s.confidence,
		TurnsPercentiles: percentiles(s.turns, s.records),
		CustomerChars:    percentiles(s.chars, s.records),
		Distinct1:        distinctRatio(&s.distinct1, s.unigrams),
		Distinct2:        distinctRatio(&s.distinct2, s.bigrams),
		NoiseTags:        copyCounts(s.noise),
		LabelFlags:       copyCounts(s.flags),
		PIIScrubbed:      s.scrubbed,
	}
	if s.records > 0 {
		sum.LabelAgreement = float64(s.agree) / float64(s.records)
	}
	return sum
}

func copyCounts[K comparable](m map[K]int64) map[K]int64 {
	out := make(map[K]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// distinctRatio is estimated distinct over total, capped at 1 because the
// estimate can exceed a small exact total.
func distinctRatio(h *hyperLogLog, total int64) float64 {
	if total == 0 {
		return 0
	}
	return min(1, h.estimate()/float64(total))
}
