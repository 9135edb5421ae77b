package noise

import "strings"

// Register injectors change how polite or casual a turn sounds.

// politeness makes a request more polite: "I want to X" becomes "could
// you please help me X", a leading imperative gets "could you please" in
// front, and anything else gets a greeting or a thank-you.
func (t *turn) politeness() bool {
	f := t.first()
	if f < 0 {
		return false
	}
	if p, ok := t.match(politeLeads, f); ok {
		ask := politeAsks[t.rng.IntN(len(politeAsks))]
		lo, hi := coreBounds(t.toks[f])
		t.toks[f] = t.toks[f][:lo] + matchCase(ask, t.toks[f][lo:hi], true)
		t.toks = append(t.toks[:f+1], t.toks[f+len(p.words):]...)
		return true
	}
	var k keyBuf
	lo, hi := coreBounds(t.toks[f])
	if key, ok := k.lower(t.toks[f][lo:hi]); ok && politeVerbs[string(key)] && t.rng.IntN(2) == 0 {
		ask := "could you please"
		if hi-lo > 1 && t.toks[f][lo] >= 'A' && t.toks[f][lo] <= 'Z' {
			ask = "Could you please"
		}
		t.toks[f] = decapitalize(t.toks[f])
		t.insert(f, ask)
		return true
	}
	if t.rng.IntN(3) == 0 {
		t.toks[f] = decapitalize(t.toks[f])
		t.insert(f, politeOpeners[t.rng.IntN(len(politeOpeners))])
		return true
	}
	last := len(t.toks) - 1
	for t.toks[last] == "" {
		last--
	}
	tok := t.toks[last]
	if c := tok[len(tok)-1]; c == '.' || c == '!' || c == '?' {
		t.insert(last+1, politeClosers[t.rng.IntN(len(politeClosers))])
	} else if tail := politeTails[t.rng.IntN(len(politeTails))]; protected(tok) {
		t.insert(last+1, strings.TrimLeft(tail, ", "))
	} else {
		t.toks[last] = tok + tail
	}
	return true
}

// colloquial rewrites informal forms ("wanna", "gonna"); when there are
// none it starts the turn with an informal opener.
func (t *turn) colloquial() bool {
	if t.rewrite(colloquialisms) {
		return true
	}
	f := t.first()
	if f < 0 {
		return false
	}
	t.toks[f] = decapitalize(t.toks[f])
	t.insert(f, colloquialOpeners[t.rng.IntN(len(colloquialOpeners))])
	return true
}

// filler inserts one hesitation word, or two in a long turn, between words.
func (t *turn) filler() bool {
	n := 1
	if len(t.toks) > 12 {
		n = 1 + t.rng.IntN(2)
	}
	changed := false
	for range n {
		f := t.first()
		if f < 0 {
			return changed
		}
		at := f + t.rng.IntN(len(t.toks)-f)
		word := fillers[t.rng.IntN(len(fillers))]
		if at == f {
			t.toks[f] = decapitalize(t.toks[f])
			word = capitalize(word) + ","
		}
		t.insert(at, word)
		changed = true
	}
	return changed
}
