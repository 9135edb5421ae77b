package quality

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// checkStructure checks the shape of a conversation: the customer speaks
// first, roles alternate, the turn count is within bounds, no turn is
// blank and lengths are within bounds.
func (c *Checker) checkStructure(conv *record.Conversation, f *findings) {
	n := len(conv.Turns)
	if n < c.cfg.MinTurns || n > c.cfg.MaxTurns {
		f.add(ReasonTurnCount, fmt.Sprintf("%d turns, want %d to %d", n, c.cfg.MinTurns, c.cfg.MaxTurns))
	}
	total := 0
	for i, t := range conv.Turns {
		if want := expectedRole(i); t.Role != want {
			f.add(ReasonRoleOrder, fmt.Sprintf("turn %d is %q, want %q (customer first, then alternating)", i, t.Role, want))
		}
		if strings.TrimSpace(t.Text) == "" {
			f.add(ReasonEmptyTurn, fmt.Sprintf("turn %d is blank", i))
		}
		chars := utf8.RuneCountInString(t.Text)
		total += chars
		if chars > c.cfg.MaxTurnChars {
			f.add(ReasonLength, fmt.Sprintf("turn %d has %d characters, limit %d", i, chars, c.cfg.MaxTurnChars))
		}
	}
	if total > c.cfg.MaxTotalChars {
		f.add(ReasonLength, fmt.Sprintf("conversation has %d characters, limit %d", total, c.cfg.MaxTotalChars))
	}
}

func expectedRole(i int) string {
	if i%2 == 0 {
		return record.RoleCustomer
	}
	return record.RoleAgent
}
