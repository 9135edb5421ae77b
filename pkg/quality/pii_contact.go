package quality

import (
	"regexp"
	"strings"
)

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	ssnPattern   = regexp.MustCompile(`\d{3}-\d{2}-\d{4}`)
	// phonePatterns: North American numbers with area code and optional
	// country code, seven-digit local numbers, and international numbers
	// written with a leading +.
	phonePatterns = []*regexp.Regexp{
		regexp.MustCompile(`(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}`),
		regexp.MustCompile(`\+\d{1,3}(?:[ .-]?\d{1,4}){2,5}`),
		regexp.MustCompile(`\d{3}[.-]\d{4}`),
	}
)

// reservedEmailDomains and reservedTLDs are reserved for documentation and
// testing (RFC 2606, RFC 6761): addresses there reach nobody.
var (
	reservedEmailDomains = []string{"example.com", "example.org", "example.net"}
	reservedTLDs         = []string{".example", ".test", ".invalid", ".localhost"}
)

// findEmails appends the email addresses of s outside reserved domains.
func findEmails(s string, spans []piiSpan) []piiSpan {
	for _, m := range emailPattern.FindAllStringIndex(s, -1) {
		at := strings.LastIndexByte(s[m[0]:m[1]], '@')
		if !reservedDomain(strings.ToLower(s[m[0]+at+1 : m[1]])) {
			spans = append(spans, piiSpan{m[0], m[1], piiEmail})
		}
	}
	return spans
}

func reservedDomain(d string) bool {
	for _, r := range reservedEmailDomains {
		if d == r || strings.HasSuffix(d, "."+r) {
			return true
		}
	}
	for _, t := range reservedTLDs {
		if strings.HasSuffix(d, t) {
			return true
		}
	}
	return false
}

// findSSNs appends the ###-##-#### numbers of s that could have been
// issued: area not 000, 666 or 9xx, group not 00, serial not 0000.
func findSSNs(s string, spans []piiSpan) []piiSpan {
	for _, m := range ssnPattern.FindAllStringIndex(s, -1) {
		if overlaps(spans, m[0], m[1]) || glued(s, m[0], m[1]) {
			continue
		}
		d := s[m[0]:m[1]]
		area, group, serial := atoi(d[0:3]), atoi(d[4:6]), atoi(d[7:11])
		if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
			continue
		}
		spans = append(spans, piiSpan{m[0], m[1], piiSSN})
	}
	return spans
}

// findPhones appends the phone numbers of s outside the fictional
// 555-0100 to 555-0199 range. Bare digit runs are left alone: they are
// order and account numbers far more often than phone numbers.
func findPhones(s string, spans []piiSpan) []piiSpan {
	for _, p := range phonePatterns {
		for _, m := range p.FindAllStringIndex(s, -1) {
			if overlaps(spans, m[0], m[1]) || glued(s, m[0], m[1]) || fictionalPhone(s[m[0]:m[1]]) {
				continue
			}
			spans = append(spans, piiSpan{m[0], m[1], piiPhone})
		}
	}
	return spans
}

// fictionalPhone reports whether the last seven digits of p are 555-01xx,
// the range reserved for fiction in the North American plan.
func fictionalPhone(p string) bool {
	d := make([]byte, 0, 16)
	for i := 0; i < len(p); i++ {
		if isDigit(p[i]) {
			d = append(d, p[i])
		}
	}
	if len(d) < 7 {
		return false
	}
	last := string(d[len(d)-7:])
	return strings.HasPrefix(last, "55501")
}
