package prompt

import (
	"strconv"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Keys of the further axes on a REQUEST line, after intent, turns and
// channel, in the order they are written.
const (
	AxisAgeBand     = "age_band"
	AxisTechComfort = "tech_comfort"
	AxisMood        = "mood"
	AxisTone        = "tone"
	AxisDomain      = "domain"
	// AxisRegister and AxisForm are the register and sentence form of the
	// customer's first message (llm.DrawStyle).
	AxisRegister = "register"
	AxisForm     = "form"
)

// AnyChannel is written as the channel of a spec that has none.
const AnyChannel = "any"

// requestPrefix starts every request line; ParseRequests depends on it.
const requestPrefix = "REQUEST "

// Requested is one conversation asked for on a REQUEST line of a prompt's
// user part, as recovered by ParseRequests.
type Requested struct {
	// N is the 1-based position of the request; the answer must keep it.
	N       int
	Intent  string
	Turns   int
	Channel string
	// Axes holds the further key=value pairs of the line (AxisAgeBand,
	// AxisTechComfort, AxisMood, AxisTone, AxisDomain, AxisRegister,
	// AxisForm, or any other key).
	Axes map[string]string
}

// RecordAxes returns the request's axes as a record carries them; the
// channel AnyChannel becomes empty.
func (r Requested) RecordAxes() record.Axes {
	ch := r.Channel
	if ch == AnyChannel {
		ch = ""
	}
	return record.Axes{
		AgeBand:     r.Axes[AxisAgeBand],
		TechComfort: r.Axes[AxisTechComfort],
		Mood:        r.Axes[AxisMood],
		Channel:     ch,
		Tone:        r.Axes[AxisTone],
		Domain:      r.Axes[AxisDomain],
		Turns:       r.Turns,
	}
}

// requestLine writes the machine-readable line for spec n (1-based):
// `REQUEST <n>: intent=<name> turns=<k> channel=<c> key=value ... | prose`.
func requestLine(b *strings.Builder, n int, s llm.Spec) {
	ch := s.Axes.Channel
	if ch == "" {
		ch = AnyChannel
	}
	b.WriteString(requestPrefix)
	b.WriteString(strconv.Itoa(n))
	b.WriteString(": intent=")
	b.WriteString(s.Intent.Name)
	b.WriteString(" turns=")
	b.WriteString(strconv.Itoa(targetTurns(s)))
	b.WriteString(" channel=")
	b.WriteString(quoteValue(ch))
	st := llm.DrawStyle(s.Seed, s.Axes)
	for _, kv := range [...][2]string{
		{AxisAgeBand, s.Axes.AgeBand},
		{AxisTechComfort, s.Axes.TechComfort},
		{AxisMood, s.Axes.Mood},
		{AxisTone, s.Axes.Tone},
		{AxisDomain, s.Axes.Domain},
		{AxisRegister, st.Register},
		{AxisForm, st.Form},
	} {
		if kv[1] == "" {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(quoteValue(kv[1]))
	}
	if d := strings.Join(strings.Fields(s.Intent.Description), " "); d != "" {
		b.WriteString(" | ")
		b.WriteString(d)
	}
	b.WriteByte('\n')
}

// targetTurns is the exact number of turns to ask for: the drawn target,
// else the request's lower bound, else the default lower bound.
func targetTurns(s llm.Spec) int {
	switch {
	case s.Axes.Turns > 0:
		return s.Axes.Turns
	case s.MinTurns > 0:
		return s.MinTurns
	default:
		return record.DefaultMinTurns
	}
}

// quoteValue leaves plain values as they are and Go-quotes the rest, so a
// value never splits into two tokens or ends the line.
func quoteValue(v string) string {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool {
		return r <= ' ' || r == '"' || r == '=' || r == '|' || r == '\\' || r >= 0x7f
	}) {
		return strconv.Quote(v)
	}
	return v
}
