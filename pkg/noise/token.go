package noise

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// turn is one customer turn being edited: its words split on single spaces
// so that joining them with spaces gives back the exact text. A token keeps
// its punctuation; its core is the word inside it.
type turn struct {
	rng  *rand.Rand
	toks []string
}

// isAlnum reports whether b is an ASCII letter or digit.
func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// isLetter reports whether b is an ASCII letter.
func isLetter(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// isPunct reports whether b is ASCII and neither letter nor digit; bytes of
// multi-byte UTF-8 characters belong to words so that edits never split them.
func isPunct(b byte) bool {
	return b < 0x80 && !isAlnum(b)
}

// coreBounds returns the bounds of tok's word without leading and trailing
// punctuation; lo == hi when tok holds no word.
func coreBounds(tok string) (lo, hi int) {
	for lo < len(tok) && isPunct(tok[lo]) {
		lo++
	}
	hi = len(tok)
	for hi > lo && isPunct(tok[hi-1]) {
		hi--
	}
	return lo, hi
}

// protected reports whether tok must be kept byte for byte: anything with a
// digit (order and invoice numbers, amounts, dates) or an '@' (e-mail).
func protected(tok string) bool {
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c >= '0' && c <= '9' || c == '@' {
			return true
		}
	}
	return false
}

// keyBuf holds a lowercased ASCII word for map look-ups without allocating.
type keyBuf [24]byte

// lower writes the ASCII lowercase of s into k and returns it; ok is false
// when s is too long or not ASCII, which no lexicon word is.
func (k *keyBuf) lower(s string) (b []byte, ok bool) {
	if len(s) == 0 || len(s) > len(k) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return nil, false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		k[i] = c
	}
	return k[:len(s)], true
}

// matchCase writes repl (lowercase) in the case of the word it replaces:
// all capitals stay capitals, a capitalized word stays capitalized. A lone
// "I" keeps its capital in "I'm" and the like, and otherwise only at the
// start of the turn ("Idk" but "so idk").
func matchCase(repl, orig string, first bool) string {
	if len(orig) == 0 || orig[0] < 'A' || orig[0] > 'Z' {
		return repl
	}
	if len(orig) > 1 && allUpper(orig) {
		return strings.ToUpper(repl)
	}
	if len(orig) == 1 && !first && !strings.HasPrefix(repl, "i'") {
		return repl
	}
	return capitalize(repl)
}

// allUpper reports whether s has letters and none of them is lowercase.
func allUpper(s string) bool {
	letters := false
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return false
		}
		letters = letters || isLetter(s[i])
	}
	return letters
}

// capitalize upper-cases the first byte of s when it is an ASCII letter.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-('a'-'A')) + s[1:]
}

// decapitalize lower-cases a capitalized ordinary word ("Please" but not
// "I", "UPS" or "iPhone") so that it can follow an inserted opener.
func decapitalize(tok string) string {
	lo, hi := coreBounds(tok)
	core := tok[lo:hi]
	if len(core) < 2 || core[0] < 'A' || core[0] > 'Z' || protected(tok) {
		return tok
	}
	for i := 1; i < len(core); i++ {
		if core[i] >= 'A' && core[i] <= 'Z' {
			return tok
		}
	}
	return tok[:lo] + string(core[0]+('a'-'A')) + tok[lo+1:]
}

// first returns the index of the first token with a word, or -1.
func (t *turn) first() int {
	for i, tok := range t.toks {
		if lo, hi := coreBounds(tok); lo < hi {
			return i
		}
	}
	return -1
}

// insert puts words before token i.
func (t *turn) insert(i int, words ...string) {
	t.toks = slices.Insert(t.toks, i, words...)
}
