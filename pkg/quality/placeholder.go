package quality

import (
	"fmt"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// maxPlaceholder bounds the content of a placeholder, so a stray bracket
// far from its match is not read as one.
const maxPlaceholder = 48

// checkPlaceholders rejects template slots a generator left unfilled:
// {{anything}}, {order_id}, ${name}, [ORDER_ID], [Customer Name], <name>.
func checkPlaceholders(conv *record.Conversation, f *findings) {
	for i, t := range conv.Turns {
		if p := findPlaceholder(t.Text); p != "" {
			f.add(ReasonPlaceholder, fmt.Sprintf("turn %d has template placeholder %q", i, p))
			return
		}
	}
}

// findPlaceholder returns the first placeholder in s, or "".
func findPlaceholder(s string) string {
	for i := 0; i < len(s); i++ {
		var closer byte
		switch s[i] {
		case '{':
			closer = '}'
		case '[':
			closer = ']'
		case '<':
			closer = '>'
		default:
			continue
		}
		if strings.HasPrefix(s[i:], "{{") {
			if j := strings.Index(s[i+2:], "}}"); j >= 0 && j <= maxPlaceholder {
				return s[i : i+2+j+2]
			}
			continue
		}
		end := strings.IndexByte(s[i+1:min(len(s), i+2+maxPlaceholder)], closer)
		if end < 0 {
			continue
		}
		inner := s[i+1 : i+1+end]
		if isSlotName(inner, s[i]) {
			return s[i : i+1+end+1]
		}
	}
	return ""
}

// isSlotName reports whether the text between brackets looks like a slot
// name: an identifier for {} and <>, or a short label of letters, digits,
// spaces and underscores with at least two letters for [].
func isSlotName(inner string, open byte) bool {
	if inner == "" || inner[0] == ' ' || inner[len(inner)-1] == ' ' {
		return false
	}
	letters := 0
	for i := 0; i < len(inner); i++ {
		b := inner[i]
		switch {
		case b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z':
			letters++
		case b == '_' || b == ' ' || b == '-' || b >= '0' && b <= '9':
		case b == '.' && open == '{':
		default:
			return false
		}
	}
	first := inner[0]
	startsLetter := first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z' || first == '_'
	if open == '[' {
		return letters >= 2
	}
	return startsLetter && letters >= 1
}
