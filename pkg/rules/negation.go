package rules

// negationCues open a negation scope; a phrase that starts inside the scope
// does not count for its intent ("I do not want to cancel"). A phrase that
// contains the cue itself ("can not log in") is matched normally.
var negationCues = []string{"not", "no", "never", "without", "nor", "neither"}

// abilityWords before a cue make it a statement of inability, which keeps
// the intent: "I can not cancel my order" still asks to cancel it.
var abilityWords = []string{"can", "could", "able", "unable"}

// scopeBreakers close a negation scope early: the words after them are
// asserted again ("do not know how to cancel", "not the order, just the
// address").
var scopeBreakers = []string{
	"but", "just", "only", "instead", "rather", "how", "what", "where", "when", "why", "which",
	"who", "if", "whether", "and", "so", "please", "help", "because", "though", "however",
}

// skipWords are left out of the word stream before matching, so a phrase
// "cancel order" also matches "cancel my order" and "cancel the order".
var skipWords = []string{
	"a", "an", "the", "my", "your", "our", "their", "its", "this", "that", "these",
	"those", "of", "ur", "thy", "said", "current", "bloody", "fucking", "damn", "freaking",
}

// markNegation fills s.neg from s.ids and s.brk.
func (e *Engine) markNegation(s *scratch) {
	s.neg = s.neg[:0]
	scope := 0
	for i, id := range s.ids {
		if s.brk[i] || id >= 0 && e.breaker[id] {
			scope = 0
		}
		s.neg = append(s.neg, scope > 0)
		switch {
		case id >= 0 && e.cue[id] && (i == 0 || s.ids[i-1] < 0 || !e.ability[s.ids[i-1]]):
			scope = e.negWindow
		case scope > 0:
			scope--
		}
	}
}
