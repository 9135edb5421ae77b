package quality

import (
	"unicode"
	"unicode/utf8"
)

// tokenHashes calls emit with the hash of each normalized word of text, in
// order. Normalization lowercases, treats every character that is not a
// letter or digit as a separator, and folds each digit run to one '#', so
// texts that differ only in order numbers, case or punctuation have the
// same words.
func tokenHashes(text string, emit func(uint64)) {
	h, n := uint64(fnvOffset), 0
	inDigits := false
	flush := func() {
		if n > 0 {
			emit(h)
		}
		h, n, inDigits = fnvOffset, 0, false
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		switch {
		case r >= '0' && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r):
			if !inDigits {
				h = fnvAdd(h, '#')
				n++
				inDigits = true
			}
		case r < utf8.RuneSelf && isASCIILetter(byte(r)):
			h = fnvAdd(h, byte(r)|0x20)
			n++
			inDigits = false
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			var buf [utf8.UTFMax]byte
			for _, b := range buf[:utf8.EncodeRune(buf[:], unicode.ToLower(r))] {
				h = fnvAdd(h, b)
			}
			n++
			inDigits = false
		default:
			flush()
		}
	}
	flush()
}

// FNV-1a, 64 bits: stable across processes and versions, which the
// fingerprints logged by the validator rely on.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvAdd(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

// mix64 is the splitmix64 finalizer: it spreads the bits of x so the
// MinHash permutations below behave like independent hash functions.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
