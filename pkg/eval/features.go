package eval

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// Feature keys are 64-bit FNV hashes of the n-gram with its kind
// prepended, so word and char n-grams never share a key and collisions are
// negligible; a fitted featurizer maps the keys seen in training to dense
// indices and drops the others, as a fitted vocabulary does.

// vector is a sparse feature vector: unique dense indices and values.
type vector struct {
	idx []int32
	val []float32
}

// Words splits text into lower-case words: runs of letters and digits.
// Apostrophes inside a word are dropped ("don't" -> "dont").
func Words(text string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
		default:
			flush()
		}
	}
	flush()
	return words
}

// counts returns the n-gram counts of text by key: word 1-2 grams, and
// char 2-5 grams of each word padded with a space on each side
// (scikit-learn's char_wb analyzer).
func counts(text string) map[uint64]float32 {
	words := Words(text)
	c := make(map[uint64]float32, 24*len(words))
	for i, w := range words {
		c[key(false, w)]++
		if i > 0 {
			c[key(false, words[i-1]+" "+w)]++
		}
	}
	var starts []int
	for _, w := range words {
		p := " " + w + " "
		starts = starts[:0]
		for i := range p {
			starts = append(starts, i)
		}
		starts = append(starts, len(p))
		runes := len(starts) - 1
		for n := 2; n <= 5; n++ {
			for i := 0; i+n <= runes; i++ {
				c[key(true, p[starts[i]:starts[i+n]])]++
			}
		}
	}
	return c
}

// key hashes an n-gram (64-bit FNV-1a); the lowest bit says whether it is
// a char n-gram.
func key(char bool, s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h&^1 | uint64(b2i(char))
}

// featurizer turns texts into sublinear TF-IDF vectors with the word and
// the char block each L2 normalized, fitted on a training set.
type featurizer struct {
	index map[uint64]int32
	idf   []float32
	char  []bool
}

// fit builds the vocabulary and smoothed inverse document frequencies of
// docs. Indices follow the sorted keys, so they do not depend on map
// iteration order.
func fit(docs []map[uint64]float32) *featurizer {
	df := map[uint64]int32{}
	for _, d := range docs {
		for k := range d {
			df[k]++
		}
	}
	keys := make([]uint64, 0, len(df))
	for k := range df {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	n := float64(len(docs))
	f := &featurizer{index: make(map[uint64]int32, len(keys)), idf: make([]float32, len(keys)), char: make([]bool, len(keys))}
	for i, k := range keys {
		f.index[k] = int32(i)
		f.idf[i] = float32(math.Log((1+n)/(1+float64(df[k]))) + 1)
		f.char[i] = k&1 == 1
	}
	return f
}

// dims is the number of features.
func (f *featurizer) dims() int { return len(f.idf) }

// transform weights a count map: (1 + log tf) * idf, L2 normalized per
// block; n-grams unseen in training are dropped.
func (f *featurizer) transform(c map[uint64]float32) vector {
	v := vector{idx: make([]int32, 0, len(c)), val: make([]float32, 0, len(c))}
	for k, tf := range c {
		if i, ok := f.index[k]; ok {
			v.idx = append(v.idx, i)
			v.val = append(v.val, (1+float32(math.Log(float64(tf))))*f.idf[i])
		}
	}
	sort.Sort(byIndex(v))
	var norm [2]float64
	for j, i := range v.idx {
		norm[b2i(f.char[i])] += float64(v.val[j]) * float64(v.val[j])
	}
	for j, i := range v.idx {
		if n := norm[b2i(f.char[i])]; n > 0 {
			v.val[j] /= float32(math.Sqrt(n))
		}
	}
	return v
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// byIndex sorts a vector by index so that sums over it run in a fixed
// order and results do not depend on map iteration.
type byIndex vector

func (v byIndex) Len() int           { return len(v.idx) }
func (v byIndex) Less(i, j int) bool { return v.idx[i] < v.idx[j] }
func (v byIndex) Swap(i, j int) {
	v.idx[i], v.idx[j] = v.idx[j], v.idx[i]
	v.val[i], v.val[j] = v.val[j], v.val[i]
}
