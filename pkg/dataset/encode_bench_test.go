package dataset

import (
	"bytes"
	"testing"
)

// BenchmarkEncode encodes 10k realistic rows per op and reports rows/s,
// MB/s of input text and bytes per row of output.
func BenchmarkEncode(b *testing.B) {
	recs := sampleConversations(10_000, 42)
	var textBytes int64
	for i := range recs {
		for _, t := range recs[i].Turns {
			textBytes += int64(len(t.Text))
		}
	}
	for _, codec := range []string{CompressionSnappy, CompressionZstd} {
		b.Run(codec, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			b.SetBytes(textBytes)
			for b.Loop() {
				buf.Reset()
				if err := Encode(&buf, recs, Options{Compression: codec}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(buf.Len())/float64(len(recs)), "bytes/row")
		})
	}
}
