package quality

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkIndexMatchAdd measures one Match, and an Add when it finds no
// duplicate (as the validator does), against an index of 100k or 1M
// entries. "templated" texts come from patterned; "diverse" texts share
// little, like free-form LLM output.
func BenchmarkIndexMatchAdd(b *testing.B) {
	b.Run("templated-100k", func(b *testing.B) { benchIndex(b, 100_000, newPatterned(7).text) })
	b.Run("templated-1M", func(b *testing.B) { benchIndex(b, 1_000_000, newPatterned(7).text) })
	b.Run("diverse-100k", func(b *testing.B) { benchIndex(b, 100_000, diverseText(9)) })
}

func benchIndex(b *testing.B, entries int, text func() string) {
	ix := NewIndex(0.85)
	slot := 0
	for ix.Len() < entries {
		fp := NewFingerprint(text())
		if _, _, dup := ix.Match(fp); !dup {
			ix.Add(benchID(slot), fp)
		}
		slot++
	}
	probes := make([]Fingerprint, 50_000)
	for i := range probes {
		probes[i] = NewFingerprint(text())
	}
	dups := 0
	b.ResetTimer()
	i := 0
	for b.Loop() {
		fp := probes[i%len(probes)]
		if _, _, dup := ix.Match(fp); dup {
			dups++
		} else {
			ix.Add(benchID(slot+i), fp)
		}
		i++
	}
	b.ReportMetric(float64(dups)/float64(i), "dups/op")
}

// benchID returns a conversation id shaped like the validator's.
func benchID(slot int) string { return fmt.Sprintf("j3f9a0c12d4e5b6-%07d-0", slot) }

// BenchmarkIndexBytesPerEntry reports the heap an index of 1M patterned
// entries holds, per entry, measured with runtime.ReadMemStats.
func BenchmarkIndexBytesPerEntry(b *testing.B) {
	const entries = 1_000_000
	gen := newPatterned(8)
	fps := make([]Fingerprint, 4096)
	for i := range fps {
		fps[i] = NewFingerprint(gen.text())
	}
	for b.Loop() {
		before := heapInUse()
		ix := NewIndex(0.85)
		for i := range entries {
			fp := fps[i%len(fps)]
			fp.Exact += uint64(i) // distinct entries; the index keeps its own copy of the signature
			ix.Add(benchID(i), fp)
		}
		after := heapInUse()
		runtime.KeepAlive(ix)
		b.ReportMetric(float64(after-before)/entries, "B/entry")
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// diverseText returns a generator of texts of 15 to 40 words drawn from a
// 5,000-word vocabulary.
func diverseText(seed uint64) func() string {
	rng := rand.New(rand.NewPCG(seed, 5))
	vocab := make([]string, 5000)
	for i := range vocab {
		w := make([]byte, 4+rng.IntN(6))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	return func() string {
		words := make([]string, 15+rng.IntN(26))
		for j := range words {
			words[j] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(words, " ")
	}
}
