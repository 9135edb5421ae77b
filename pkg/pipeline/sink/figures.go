package sink

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

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
