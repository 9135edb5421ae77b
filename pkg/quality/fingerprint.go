package quality

import "math"

// SignatureSize is the number of MinHash values in a Fingerprint.
const SignatureSize = 128

// ValueBits is how many low bits of each MinHash value a Fingerprint keeps
// (b-bit MinHash). Two unrelated values agree by chance with probability
// 1/8, which Similarity corrects for; with 128 three-bit values the
// estimate's standard error at a similarity of 0.9 is 0.029, against
// 0.027 for full 32-bit values, at a twelfth of the memory.
const ValueBits = 3

const (
	valueMask = 1<<ValueBits - 1
	// chanceEqual is the probability that two values of different
	// minima agree.
	chanceEqual = 1.0 / (1 << ValueBits)
)

// Fingerprint identifies a customer text for duplicate detection. Exact
// is a hash of the normalized word sequence; MinHash is a signature of the
// set of normalized words (single-word shingles: one word changed in 30
// keeps the similarity near 0.94, well clear of the 0.85 default, while
// paraphrases share far fewer words): SignatureSize values below
// 1<<ValueBits, empty for a text with no words. It JSON-encodes compactly
// (see MarshalJSON) so the validator can log it and rebuild its Index
// after a restart. The hash functions are fixed: fingerprints made by
// different processes compare.
type Fingerprint struct {
	Exact   uint64
	MinHash []uint32
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
		fp.MinHash = make([]uint32, SignatureSize)
		for i, v := range sig {
			fp.MinHash[i] = v & valueMask
		}
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
// texts behind a and b from the share of equal signature values, corrected
// for values that agree by chance. It is 0 when either has no signature.
func Similarity(a, b Fingerprint) float64 {
	if len(a.MinHash) != SignatureSize || len(b.MinHash) != SignatureSize {
		return 0
	}
	eq := 0
	for i, v := range a.MinHash {
		if b.MinHash[i]&valueMask == v&valueMask {
			eq++
		}
	}
	return max(0, (float64(eq)/SignatureSize-chanceEqual)/(1-chanceEqual))
}

// minEqualFor is the number of equal values at which Similarity reaches
// threshold t.
func minEqualFor(t float64) int {
	return int(math.Ceil(SignatureSize*(t+(1-t)*chanceEqual) - 1e-9))
}
