package offline

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
)

// BenchmarkGenerate composes 4-turn conversations over the default
// intents and axes, 64 per call.
func BenchmarkGenerate(b *testing.B) {
	tax := defaultTaxonomy(b)
	rng := rand.New(rand.NewPCG(1, 1))
	specs := make([]llm.Spec, 64)
	for i := range specs {
		specs[i] = randomSpec(tax, rng, 4, 4)
	}
	s := New(Config{})
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range specs {
			specs[i].Seed++
		}
		if _, err := s.Generate(ctx, llm.Call{Specs: specs}); err != nil {
			b.Fatal(err)
		}
		n += len(specs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "conv/s")
}
