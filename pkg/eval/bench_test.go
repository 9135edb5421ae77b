package eval

import "testing"

// BenchmarkEvaluate measures one whole evaluation at the documented size:
// 10,000 synthetic texts, 2,000 real ones (training, 5-fold ceiling,
// memorization, diversity).
func BenchmarkEvaluate(b *testing.B) {
	syn := Dataset{Name: "toy", Examples: toyCorpus(10000, 1, 0, 4)}
	real := toyCorpus(2000, 2, 4, 6)
	for b.Loop() {
		if _, err := Evaluate(real, []Dataset{syn}, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
