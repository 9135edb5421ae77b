package quality

import (
	"fmt"
	"sort"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// PII kinds, used in details.
const (
	piiCard  = "card number"
	piiEmail = "email address"
	piiPhone = "phone number"
	piiSSN   = "SSN"
)

// Safe replacements for scrubbed PII: a published test card, a reserved
// example domain, the fictional 555-01xx range and a never-issued SSN.
// None of them is detected again, so scrubbing is idempotent.
const (
	scrubCard  = "4111 1111 1111 1111"
	scrubEmail = "user@example.com"
	scrubPhone = "555-0123"
	scrubSSN   = "000-00-0000"
)

// piiSpan is one detected piece of personal data in a text.
type piiSpan struct {
	start, end int
	kind       string
}

// checkPII finds real-looking card numbers, emails, phone numbers and SSNs
// in every turn. Policy reject reports ReasonPII; scrub replaces them with
// safe tokens and sets PIIScrubbed.
func (c *Checker) checkPII(conv *record.Conversation, f *findings) {
	for i := range conv.Turns {
		spans := findPII(conv.Turns[i].Text)
		if len(spans) == 0 {
			continue
		}
		if c.cfg.PII == PIIReject {
			f.add(ReasonPII, fmt.Sprintf("turn %d has a %s", i, spans[0].kind))
			return
		}
		conv.Turns[i].Text = scrub(conv.Turns[i].Text, spans)
		conv.PIIScrubbed = true
	}
}

// findPII returns the non-overlapping PII spans of s in text order.
func findPII(s string) []piiSpan {
	var spans []piiSpan
	if strings.IndexByte(s, '@') >= 0 {
		spans = findEmails(s, spans)
	}
	if countDigits(s) >= 7 {
		spans = findCards(s, spans)
		if mayHoldPhoneOrSSN(s) {
			spans = findSSNs(s, spans)
			spans = findPhones(s, spans)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	return spans
}

// scrub replaces each span of s with the safe token of its kind.
func scrub(s string, spans []piiSpan) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := 0
	for _, sp := range spans {
		b.WriteString(s[prev:sp.start])
		b.WriteString(scrubToken(sp.kind))
		prev = sp.end
	}
	b.WriteString(s[prev:])
	return b.String()
}

func scrubToken(kind string) string {
	switch kind {
	case piiCard:
		return scrubCard
	case piiEmail:
		return scrubEmail
	case piiPhone:
		return scrubPhone
	default:
		return scrubSSN
	}
}

// overlaps reports whether [start, end) overlaps a span already found.
func overlaps(spans []piiSpan, start, end int) bool {
	for _, sp := range spans {
		if start < sp.end && sp.start < end {
			return true
		}
	}
	return false
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isAlnum(b byte) bool { return isDigit(b) || isASCIILetter(b) }

// glued reports whether the match s[start:end] is part of a larger token
// such as an order or tracking number ("ORD-123-4567", "A12-34-5678",
// "#5551234"), in which case it is not personal data.
func glued(s string, start, end int) bool {
	before, after := byteAt(s, start-1), byteAt(s, end)
	if isAlnum(before) || before == '#' || isAlnum(after) {
		return true
	}
	if before == '-' || before == '_' || before == '/' {
		return isAlnum(byteAt(s, start-2))
	}
	if after == '-' || after == '_' || after == '/' {
		return isAlnum(byteAt(s, end+1))
	}
	return false
}

// mayHoldPhoneOrSSN reports whether s has what every SSN and phone
// pattern needs: three digits followed by a space, dot or hyphen, or a
// '+' followed by a digit. Most turns have neither, and the patterns'
// backtracking is then skipped.
func mayHoldPhoneOrSSN(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			run++
			continue
		case run >= 3 && (c == ' ' || c == '.' || c == '-'):
			return true
		case c == '+' && i+1 < len(s) && isDigit(s[i+1]):
			return true
		}
		run = 0
	}
	return false
}
