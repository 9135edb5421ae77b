package noise

import (
	"slices"
	"strings"
)

// keywordMode reduces the turn to a few lowercase content words, the way
// people type into a search box ("cancel order 12345"). Tokens with digits
// are kept whole and do not count against the limit of two to four words.
func (t *turn) keywordMode() bool {
	limit := 2 + t.rng.IntN(3)
	var k keyBuf
	out := make([]string, 0, len(t.toks))
	words := 0
	for _, tok := range t.toks {
		if protected(tok) {
			out = append(out, tok)
			continue
		}
		lo, hi := coreBounds(tok)
		core := tok[lo:hi]
		if core == "" || words == limit {
			continue
		}
		if key, ok := k.lower(core); ok && stopwords[string(key)] {
			continue
		}
		out = append(out, strings.ToLower(core))
		words++
	}
	if words == 0 || slices.Equal(out, t.toks) {
		return false
	}
	t.toks = out
	return true
}
