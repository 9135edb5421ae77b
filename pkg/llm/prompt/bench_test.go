package prompt

import (
	"fmt"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
)

// BenchmarkRender reports the estimated prompt tokens per conversation
// (system and user part) for 1 and 5 conversations per call.
func BenchmarkRender(b *testing.B) {
	tax := defaultTaxonomy(b)
	names := tax.Names()
	for _, perCall := range []int{1, 5} {
		b.Run(fmt.Sprintf("per_call=%d", perCall), func(b *testing.B) {
			tokens, convs := 0, 0
			for i := 0; b.Loop(); i++ {
				specs := make([]llm.Spec, perCall)
				for j := range specs {
					specs[j] = spec(b, tax, names[(i*perCall+j)%len(names)], int64(i*perCall+j))
				}
				p, err := Render(llm.Call{Specs: specs}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				tokens += TokensEstimate(p.System) + TokensEstimate(p.User)
				convs += perCall
			}
			b.ReportMetric(float64(tokens)/float64(convs), "prompt_tokens/conv")
		})
	}
}
