package noise

import (
	"slices"
	"strings"
)

// phrase is one rewrite: a sequence of lowercase words and what replaces it.
type phrase struct {
	words []string
	repl  string
}

// lexicon holds rewrites by their first word, longest first so that "i do
// not know" wins over "do not".
type lexicon map[string][]phrase

// newLexicon builds a lexicon from "words => replacement" pairs.
func newLexicon(pairs map[string]string) lexicon {
	lx := lexicon{}
	for from, to := range pairs {
		words := strings.Fields(from)
		lx[words[0]] = append(lx[words[0]], phrase{words: words, repl: to})
	}
	for _, ps := range lx {
		slices.SortFunc(ps, func(a, b phrase) int {
			if len(a.words) != len(b.words) {
				return len(b.words) - len(a.words)
			}
			return strings.Compare(a.repl, b.repl)
		})
	}
	return lx
}

// match returns the phrase of lx that starts at token i, if any. The words
// of a multi-word phrase must not be separated by punctuation, and no token
// of it may be protected.
func (t *turn) match(lx lexicon, i int) (phrase, bool) {
	if protected(t.toks[i]) {
		return phrase{}, false
	}
	var k keyBuf
	lo, hi := coreBounds(t.toks[i])
	key, ok := k.lower(t.toks[i][lo:hi])
	if !ok {
		return phrase{}, false
	}
	for _, p := range lx[string(key)] {
		if t.matchRest(p, i, hi) {
			return p, true
		}
	}
	return phrase{}, false
}

func (t *turn) matchRest(p phrase, i, firstHi int) bool {
	n := len(p.words)
	if i+n > len(t.toks) || (n > 1 && firstHi != len(t.toks[i])) {
		return false
	}
	for j := 1; j < n; j++ {
		tok := t.toks[i+j]
		lo, hi := coreBounds(tok)
		if lo != 0 || (j < n-1 && hi != len(tok)) || !strings.EqualFold(tok[lo:hi], p.words[j]) || protected(tok) {
			return false
		}
	}
	return true
}

// rewrite replaces every phrase of lx in the turn, keeping the case of the
// replaced word and the punctuation around the phrase, and reports whether
// anything changed.
func (t *turn) rewrite(lx lexicon) bool {
	changed := false
	w := 0
	for i := 0; i < len(t.toks); {
		p, ok := t.match(lx, i)
		if !ok {
			t.toks[w] = t.toks[i]
			w, i = w+1, i+1
			continue
		}
		firstTok, lastTok := t.toks[i], t.toks[i+len(p.words)-1]
		lo, hi := coreBounds(firstTok)
		_, lastHi := coreBounds(lastTok)
		repl := matchCase(p.repl, firstTok[lo:hi], w == 0)
		// Every replacement differs from its words in more than case
		// (checked by a test), so a match is a change.
		t.toks[w] = firstTok[:lo] + repl + lastTok[lastHi:]
		changed = true
		w, i = w+1, i+len(p.words)
	}
	t.toks = t.toks[:w]
	return changed
}
