package quality

import "math"

// SignatureSize is the number of MinHash values in a Fingerprint. With 128
// values the similarity estimate has a standard error of at most 0.044
// (0.026 at a Jaccard similarity of 0.9).
const SignatureSize = 128

// Fingerprint identifies a customer text for duplicate detection. Exact
// is a hash of the normalized word sequence; MinHash is a signature of the
// set of normalized words (single-word shingles: one word changed in 30
// keeps the similarity near 0.94, well clear of the 0.85 default, while
// paraphrases share far fewer words), empty for a text with no words. It
// JSON-encodes compactly so the validator can log it and rebuild its Index
// after a restart. The hash functions are fixed: fingerprints made by
// different processes compare.
type Fingerprint struct {
	Exact   uint64   `json:"x"`
	MinHash []uint32 `json:"m,omitempty"`
}

// minhashSeeds are the multipliers (odd) and offsets of the SignatureSize
// hash functions h_i(x) = high 32 bits of a_i*x + b_i, drawn once from a
// fixed splitmix64 stream.
var minhashSeeds = func() (s [SignatureSize][2]uint64) {
	state := uint64(0x5eed_d35c_0de5_1a7e)
	for i := range s {
		state += 0x9e3779b97f4a7c15
		s[i][0] = mix64(state) | 1
		state += 0x9e3779b97f4a7c15
		s[i][1] = mix64(state)
	}
	return s
}()

// NewFingerprint fingerprints the normalized form of text, usually the
// record's CustomerText.
func NewFingerprint(text string) Fingerprint {
	var sig [SignatureSize]uint32
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	exact := uint64(fnvOffset)
	words := 0
	tokenHashes(text, func(h uint64) {
		exact = mix64(exact ^ h)
		addShingle(&sig, mix64(h))
		words++
	})
	fp := Fingerprint{Exact: exact}
	if words > 0 {
		fp.MinHash = sig[:]
	}
	return fp
}

// addShingle lowers each signature value to the shingle's hash under that
// value's hash function.
func addShingle(sig *[SignatureSize]uint32, x uint64) {
	for i := range sig {
		if v := uint32((minhashSeeds[i][0]*x + minhashSeeds[i][1]) >> 32); v < sig[i] {
			sig[i] = v
		}
	}
}

// Similarity estimates the Jaccard similarity of the shingle sets of the
// texts behind a and b: the share of equal signature values. It is 0
// when either has no signature.
func Similarity(a, b Fingerprint) float64 {
	if len(a.MinHash) != SignatureSize || len(b.MinHash) != SignatureSize {
		return 0
	}
	eq := 0
	for i, v := range a.MinHash {
		if b.MinHash[i] == v {
			eq++
		}
	}
	return float64(eq) / SignatureSize
}
