package sink

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// llmFigures are the manifest's LLM figures from the generator's
// counters (the generator names excepted).
func llmFigures(c pipeline.Counters) dataset.LLMFigures {
	errs := map[string]int64{}
	for k, v := range c {
		if kind, ok := k.LLMErrorKind(); ok {
			errs[kind] = v
		}
	}
	return dataset.LLMFigures{
		Errors: errs,
		Calls:  c[pipeline.CounterLLMCalls], Retries: c[pipeline.CounterLLMRetries], PromptTokens: c[pipeline.CounterPromptTokens],
		CompletionTokens: c[pipeline.CounterCompletionTokens], TokensEstimated: c[pipeline.CounterTokensEstimated] > 0,
		LLMSeconds: float64(c[pipeline.CounterLLMMillis]) / 1000, GenerationFailed: c[pipeline.CounterGenerationFailed],
		Cost: cost(c),
	}
}

// generatorNames lists the generators of a job's records, most records
// first, comma-separated.
func generatorNames(counts map[string]int64) string {
	names := slices.Collect(maps.Keys(counts))
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	return strings.Join(names, ",")
}

// cost is the job's cost from the generator's counter, nil when no price
// was known.
func cost(c pipeline.Counters) *float64 {
	n, ok := c[pipeline.CounterCost]
	if !ok {
		return nil
	}
	v := float64(n) / 1e9
	return &v
}
