package report

import "testing"

func BenchmarkHTML(b *testing.B) {
	m, samples := fixture(b)
	var size int
	for b.Loop() {
		out, err := HTML(m, samples)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/report")
}

func BenchmarkCard(b *testing.B) {
	m, _ := fixture(b)
	var size int
	for b.Loop() {
		out, err := Card(m)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/card")
}
