package noise

import "strings"

// Orthography injectors change casing and punctuation but never touch a
// protected token (one with a digit or an '@').

// lowercase writes the whole turn in lowercase, "i" included.
func (t *turn) lowercase() bool {
	return t.mapWords(strings.ToLower)
}

// shouting writes the whole turn in capitals.
func (t *turn) shouting() bool {
	return t.mapWords(strings.ToUpper)
}

// mapWords applies f to every unprotected token and reports whether any
// changed.
func (t *turn) mapWords(f func(string) string) bool {
	changed := false
	for i, tok := range t.toks {
		if protected(tok) {
			continue
		}
		if out := f(tok); out != tok {
			t.toks[i] = out
			changed = true
		}
	}
	return changed
}

// punctDrop removes sentence punctuation (. , ! ? ; :) from the edges of
// words and, half of the time, the apostrophes inside them ("dont").
func (t *turn) punctDrop() bool {
	apostrophes := t.rng.IntN(2) == 0
	changed := false
	for i, tok := range t.toks {
		if protected(tok) {
			continue
		}
		if out := stripPunct(tok, apostrophes); out != tok {
			t.toks[i] = out
			changed = true
		}
	}
	return changed
}

// stripPunct returns tok without edge sentence punctuation and, when
// apostrophes is set, without the apostrophes between letters.
func stripPunct(tok string, apostrophes bool) string {
	lo, hi := 0, len(tok)
	for lo < hi && isSentencePunct(tok[lo]) {
		lo++
	}
	for hi > lo && isSentencePunct(tok[hi-1]) {
		hi--
	}
	tok = tok[lo:hi]
	if !apostrophes || strings.IndexByte(tok, '\'') < 0 {
		return tok
	}
	b := make([]byte, 0, len(tok))
	for i := 0; i < len(tok); i++ {
		if tok[i] == '\'' && i > 0 && i < len(tok)-1 && isLetter(tok[i-1]) && isLetter(tok[i+1]) {
			continue
		}
		b = append(b, tok[i])
	}
	return string(b)
}

func isSentencePunct(b byte) bool {
	switch b {
	case '.', ',', '!', '?', ';', ':':
		return true
	}
	return false
}
