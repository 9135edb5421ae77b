package offline

import "github.com/synthdesk/synthdesk/pkg/llm"

// opening writes the customer's first turn: sometimes a greeting fitting
// channel, tone and register, the need in the conversation's sentence
// form and register, then, for fuller forms, sometimes a detail, a mood
// line, persona lines and a polite or formal tail.
func (c *composer) opening(n int) {
	ax := &c.ax
	reg := c.style.Register
	greet := 0
	switch reg {
	case llm.RegisterPolite:
		greet = 60
	case llm.RegisterNeutral, llm.RegisterColloquial:
		greet = 35
	case llm.RegisterOffensive:
		greet = 10
	}
	if ax.Channel == "email" && reg != llm.RegisterTerse {
		greet = 50
	}
	if c.chance(greet) {
		switch ax.Channel {
		case "email":
			c.fromMap(std.emailGreetings, ax.Tone)
		case "phone", "phone_transcript":
			std.phoneGreetings.pick(c)
		default:
			c.fromMap(std.chatGreetings, ax.Tone)
		}
	}
	start := len(c.buf)
	if c.firstSentence() {
		c.shape(start)
	}
	short := reg == llm.RegisterTerse || c.style.Form == llm.FormKeywords || c.style.Form == llm.FormFragment
	if !short && c.chance(20) || n <= 2 && c.chance(20) {
		if i := c.pickDetail(); i >= 0 {
			c.space()
			c.spoken(c.ci.details[i : i+1])
		}
	}
	extras := !short && (ax.Channel != "chat" || c.chance(50))
	if extras && c.chance(10) {
		if p, ok := std.moodLines[ax.Mood]; ok {
			c.space()
			c.sentence(p)
		}
	}
	if extras && ax.TechComfort == "low" && c.chance(10) {
		c.space()
		if ax.AgeBand == "65_plus" && c.chance(50) {
			c.sentence(std.seniorLines)
		} else {
			c.sentence(std.lowTechLines)
		}
	}
	if p, ok := std.toneTails[ax.Tone]; ok && !short && c.chance(15) {
		c.space()
		c.sentence(p)
	}
	c.customerEnd()
}

// shape fixes the case and punctuation of the form written from start:
// it continues a greeting in lower case and otherwise starts with a
// capital, except in the colloquial and terse registers, which often
// start in lower case and drop the final period.
func (c *composer) shape(start int) {
	c.tidy(start)
	if start >= len(c.buf) {
		return
	}
	switch reg := c.style.Register; {
	case c.afterCommaAt(start):
		c.lowerAt(start)
	case reg == llm.RegisterColloquial || reg == llm.RegisterTerse:
		if c.chance(60) {
			c.lowerAt(start)
		} else if b := c.buf[start]; b >= 'a' && b <= 'z' {
			c.buf[start] -= 'a' - 'A'
		}
		if c.buf[len(c.buf)-1] == '.' && c.chance(60) {
			c.buf = c.buf[:len(c.buf)-1]
		}
	default:
		if b := c.buf[start]; b >= 'a' && b <= 'z' {
			c.buf[start] -= 'a' - 'A'
		}
	}
}

// customerTurn writes a later customer turn from p, or from an unsaid
// detail (then generic fillers) when detail is true.
func (c *composer) customerTurn(p pool, detail bool) {
	if c.ax.Channel == "email" {
		std.emailReplyGreetings.pick(c)
	}
	if detail {
		std.customerAcks.pick(c)
		if i := c.pickDetail(); i >= 0 {
			p = c.ci.details[i : i+1]
		} else {
			p = std.customerFill
		}
	}
	c.say(p, detail)
	c.customerEnd()
}

func (c *composer) customerEnd() {
	switch c.ax.Channel {
	case "email":
		c.fromMap(std.emailSignoffs, c.ax.Tone)
	case "chat":
		if c.ax.Tone == "casual" || c.ax.AgeBand == "18_24" && c.chance(50) {
			c.casual()
		}
	}
}

// agentTurn writes an agent reply from p: a channel frame, empathy on the
// first reply, and an offer of further help after a resolution.
func (c *composer) agentTurn(i int, p pool, last bool) {
	switch c.ax.Channel {
	case "email":
		std.emailAgentHellos.pick(c)
	case "phone", "phone_transcript":
		if i == 1 {
			std.phoneAgentIntros.pick(c)
		} else {
			std.phoneAgentFiller.pick(c)
		}
	default:
		if i == 1 {
			std.chatAgentIntros.pick(c)
		}
	}
	if i == 1 && c.style.Register == llm.RegisterOffensive {
		std.calm.pick(c)
	} else if p := std.empathy[c.ax.Mood]; i == 1 && p != nil && c.chance(60) {
		p.pick(c)
	}
	c.sentence(p)
	if last && c.ax.Channel != "email" {
		std.resolutionTails.pick(c)
	}
	if c.ax.Channel == "email" {
		std.emailAgentByes.pick(c)
	}
}

// sentence renders one pick of p. On the phone a customer sentence may
// start with a filler; after a greeting ending in ", " or a filler the
// sentence continues in lower case.
func (c *composer) sentence(p pool) { c.say(p, false) }

// spoken renders one pick of p like sentence, starting it with a filler
// now and then on the phone.
func (c *composer) spoken(p pool) { c.say(p, true) }

func (c *composer) say(p pool, filler bool) {
	if filler && (c.ax.Channel == "phone" || c.ax.Channel == "phone_transcript") && c.chance(30) && !c.afterComma() {
		std.phoneFillers.pick(c)
	}
	start := len(c.buf)
	p.pick(c)
	if c.afterCommaAt(start) {
		c.lowerAt(start)
	}
}

func (c *composer) fromMap(m map[string]pool, key string) {
	p, ok := m[key]
	if !ok {
		p = m["neutral"]
	}
	if len(p) > 0 {
		p.pick(c)
	}
}

func (c *composer) space() { c.buf = append(c.buf, ' ') }

func (c *composer) afterComma() bool { return c.afterCommaAt(len(c.buf)) }

func (c *composer) afterCommaAt(i int) bool {
	return i >= 2 && c.buf[i-1] == ' ' && (c.buf[i-2] == ',' || isLower(c.buf[i-2]))
}

// lowerAt lower-cases the word at i unless it is "I", an acronym or an id.
func (c *composer) lowerAt(i int) {
	b := c.buf
	if i >= len(b) || b[i] < 'A' || b[i] > 'Z' {
		return
	}
	if i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\'' || b[i+1] >= 'A' && b[i+1] <= 'Z' || b[i+1] == '-') {
		return
	}
	b[i] += 'a' - 'A'
}

// casual lower-cases the turn's first letter and drops a final period,
// as people type in chat.
func (c *composer) casual() {
	if len(c.buf) == 0 {
		return
	}
	c.lowerAt(0)
	if c.buf[len(c.buf)-1] == '.' && c.chance(60) {
		c.buf = c.buf[:len(c.buf)-1]
	}
}

func isLower(b byte) bool { return b >= 'a' && b <= 'z' }
