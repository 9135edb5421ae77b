package offline

import (
	"slices"

	"github.com/synthdesk/synthdesk/pkg/llm"
)

// Tags of the first customer turn, "LETTER:name" with the Bitext
// variation letter of the form or register (see docs/offline.md).
var (
	formTags = map[string]string{
		llm.FormRequest: "B:form_request", llm.FormQuestion: "I:form_question", llm.FormIndirect: "D:form_indirect",
		llm.FormNeed: "B:form_need", llm.FormKeywords: "K:form_keywords", llm.FormFragment: "B:form_fragment",
		llm.FormFrustrated: "B:form_frustrated", llm.FormCoordinated: "C:form_coordinated", llm.FormNegated: "N:form_negated",
	}
	registerTags = map[string]string{
		llm.RegisterPolite: "P:register_polite", llm.RegisterColloquial: "Q:register_colloquial",
		llm.RegisterOffensive: "W:register_offensive",
	}
)

// Tags that do not depend on the form or register.
const (
	tagOpener  = "B:opener"
	tagSynonym = "L:synonym"
	tagGerund  = "M:gerund"
)

// firstSentence writes the need of the first turn: a shared form of the
// conversation's style filled with the intent's frames, or now and then
// one of the intent's openers as written. It reports whether a form was
// used (openers carry their own punctuation and case).
func (c *composer) firstSentence() bool {
	reg := c.style.Register
	if reg != llm.RegisterTerse && c.chance(c.ci.classic) {
		c.spoken(c.ci.openers)
		c.tag(tagOpener)
		return false
	}
	cands := formTable[c.formIdx][c.regIdx]
	have := c.ci.frames.have
	start := c.rng.IntN(len(cands))
	for k := range cands {
		ft := &cands[(start+k)%len(cands)]
		if ft.need&^have == 0 {
			ft.t.render(c)
			c.tag(formTags[c.style.Form])
			c.tag(registerTags[reg])
			return true
		}
	}
	// Every intent has topics; this form needs frames the intent lacks.
	c.buf = append(c.buf, "I need help with "...)
	c.frame(fTopic)
	c.buf = append(c.buf, '.')
	c.tag(formTags[llm.FormNeed])
	return true
}

// frame renders one of the intent's frames at the end of c.buf.
func (c *composer) frame(id int) {
	f := &c.ci.frames
	switch id {
	case fDo, fDoing:
		start := len(c.buf)
		c.pickFrame(f.actions)
		if id == fDoing {
			c.gerund(start)
			c.tag(tagGerund)
		}
		if c.style.Register == llm.RegisterOffensive && c.chance(50) {
			c.insult(start)
		}
	case fTopic:
		c.pickFrame(f.topics)
	case fAsk:
		c.pickFrame(f.asks)
	case fProblem:
		c.pickFrame(f.problems)
	case fCurse:
		c.buf = append(c.buf, curses[c.rng.IntN(len(curses))]...)
	}
}

// pickFrame renders one entry of p; any entry but the first, canonical
// one is a lexical variation.
func (c *composer) pickFrame(p pool) {
	if len(p) == 0 {
		c.buf = append(c.buf, "this"...)
		return
	}
	i := c.rng.IntN(len(p))
	p[i].render(c)
	if i > 0 {
		c.tag(tagSynonym)
	}
}

// insult puts a swear word after the first determiner of the action
// written from start: "cancel my damn order".
func (c *composer) insult(start int) {
	b := c.buf[start:]
	for _, det := range [...]string{" my ", " the ", " your ", " this "} {
		if i := indexBytes(b, det); i >= 0 {
			at := start + i + len(det)
			w := insults[c.rng.IntN(len(insults))]
			c.buf = slices.Insert(c.buf, at, append([]byte(w), ' ')...)
			return
		}
	}
}

func indexBytes(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return i
		}
	}
	return -1
}

// doubled are verbs whose last consonant doubles before -ing.
var doubled = map[string]bool{
	"get": true, "set": true, "put": true, "stop": true, "shop": true, "plan": true, "swap": true,
	"drop": true, "log": true, "submit": true, "chat": true, "quit": true, "top": true,
	"let": true, "run": true, "cut": true, "ship": true, "hit": true,
}

// gerund turns the first word written from start into its -ing form.
func (c *composer) gerund(start int) {
	end := start
	for end < len(c.buf) && c.buf[end] != ' ' {
		end++
	}
	w := string(c.buf[start:end])
	var g string
	switch {
	case doubled[w]:
		g = w + w[len(w)-1:] + "ing"
	case len(w) > 2 && w[len(w)-2:] == "ie":
		g = w[:len(w)-2] + "ying"
	case len(w) > 2 && w[len(w)-1] == 'e' && w[len(w)-2] != 'e' && w[len(w)-2] != 'y' && w[len(w)-2] != 'o':
		g = w[:len(w)-1] + "ing"
	default:
		g = w + "ing"
	}
	c.buf = slices.Replace(c.buf, start, end, []byte(g)...)
}

// tidy collapses the double spaces an empty alternative leaves and the
// space before punctuation, from start on.
func (c *composer) tidy(start int) {
	out := c.buf[:start]
	for i := start; i < len(c.buf); i++ {
		b := c.buf[i]
		if b == ' ' && (len(out) == start || out[len(out)-1] == ' ') {
			continue
		}
		if (b == '.' || b == '?' || b == ',' || b == '!') && len(out) > start && out[len(out)-1] == ' ' {
			out = out[:len(out)-1]
		}
		out = append(out, b)
	}
	for len(out) > start && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	c.buf = out
}

// tag records t once; empty tags are ignored.
func (c *composer) tag(t string) {
	if t != "" && !slices.Contains(c.tags, t) {
		c.tags = append(c.tags, t)
	}
}

// Tags returns every tag the synthesizer writes on drafts, sorted.
func Tags() []string {
	tags := []string{tagOpener, tagSynonym, tagGerund}
	for _, t := range formTags {
		tags = append(tags, t)
	}
	for _, t := range registerTags {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	return tags
}
