package rules

import "regexp"

// phrase is one compiled weighted phrase of an intent.
type phrase struct {
	intent int32
	words  int32
	weight float64
	text   string
}

// pattern is one compiled regular expression of an intent.
type pattern struct {
	intent int32
	weight float64
	re     *regexp.Regexp
	text   string
}

// lookup turns the normalized words of s into word ids, correcting
// misspellings and split-apart compounds of known words.
func (e *Engine) lookup(s *scratch) {
	s.ids, s.brk = s.ids[:0], s.brk[:0]
	pending := false
	for _, w := range s.words {
		word := s.norm[w.start:w.end]
		id, ok := e.lex.ids[string(word)]
		if !ok {
			id, s.buf = e.lex.correct(word, s.buf)
		}
		if id < 0 {
			var left, right int32
			left, right, s.buf = e.lex.split(word, s.buf)
			if left >= 0 {
				s.ids, s.brk = append(s.ids, left), append(s.brk, w.brk || pending)
				id, w.brk, pending = right, false, false
			}
		}
		if id >= 0 && e.skip[id] {
			pending = pending || w.brk
			continue
		}
		s.ids, s.brk = append(s.ids, id), append(s.brk, w.brk || pending)
		pending = false
	}
}

// scoreTurn adds the evidence of one turn, times w, to s.scores and
// reports whether any rule fired.
func (e *Engine) scoreTurn(s *scratch, text string, w float64) bool {
	s.normalize(text)
	e.lookup(s)
	e.markNegation(s)
	hit := false
	var st int32
	for i, id := range s.ids {
		st = e.ac.step(st, id)
		for _, pid := range e.ac.out[st] {
			p := &e.phrases[pid]
			if p.weight > 0 && s.neg[i-int(p.words)+1] {
				continue
			}
			s.scores[p.intent] += p.weight * w
			hit = true
		}
	}
	for i := range e.patterns {
		p := &e.patterns[i]
		if p.re.Match(s.lower) {
			s.scores[p.intent] += p.weight * w
			hit = true
		}
	}
	return hit
}
