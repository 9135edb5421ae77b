package rules

// Match is one rule that fired on a text.
type Match struct {
	// Rule is the phrase or pattern as written in the taxonomy.
	Rule   string  `json:"rule"`
	Intent string  `json:"intent"`
	Weight float64 `json:"weight"`
	// Negated is set when the phrase was inside a negation scope and did
	// not count.
	Negated bool `json:"negated,omitempty"`
}

// Explain lists the rules that fire on a single customer text, in text
// order, including negated ones.
func (e *Engine) Explain(text string) []Match {
	var out []Match
	for _, id := range e.fired(text, true) {
		m := Match{Intent: e.names[e.ruleIntent(id)]}
		if id < 0 {
			id = -id - 1
			m.Negated = true
		}
		m.Rule, m.Weight = e.ruleText(id), e.ruleWeight(id)
		out = append(out, m)
	}
	return out
}

// fired returns the ids of the rules that count on text: phrase ids, then
// len(phrases)+pattern index. With negated, negated phrases are included
// as -id-1.
func (e *Engine) fired(text string, negated bool) []int {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	s.normalize(text)
	e.lookup(s)
	e.markNegation(s)
	var out []int
	var st int32
	for i, id := range s.ids {
		st = e.ac.step(st, id)
		for _, pid := range e.ac.out[st] {
			p := &e.phrases[pid]
			switch {
			case p.weight <= 0 || !s.neg[i-int(p.words)+1]:
				out = append(out, int(pid))
			case negated:
				out = append(out, -int(pid)-1)
			}
		}
	}
	for i := range e.patterns {
		if e.patterns[i].re.Match(s.lower) {
			out = append(out, len(e.phrases)+i)
		}
	}
	return out
}

// rules is the number of rules (phrases and patterns).
func (e *Engine) rules() int { return len(e.phrases) + len(e.patterns) }

func (e *Engine) ruleIntent(id int) int32 {
	if id < 0 {
		id = -id - 1
	}
	if id < len(e.phrases) {
		return e.phrases[id].intent
	}
	return e.patterns[id-len(e.phrases)].intent
}

func (e *Engine) ruleText(id int) string {
	if id < len(e.phrases) {
		return e.phrases[id].text
	}
	return "re:" + e.patterns[id-len(e.phrases)].text
}

func (e *Engine) ruleWeight(id int) float64 {
	if id < len(e.phrases) {
		return e.phrases[id].weight
	}
	return e.patterns[id-len(e.phrases)].weight
}
