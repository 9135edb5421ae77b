package parse

import (
	"fmt"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Conversations reads want conversations from raw, in answer order. It
// always returns exactly want drafts (none when want <= 0); each unusable
// one carries an Err wrapping a sentinel of this package.
func Conversations(raw string, want int) []llm.Draft {
	return ForIntents(raw, make([]string, max(want, 0)))
}

// ForIntents reads one conversation per requested intent from raw and
// aligns them with intents: an answer item goes to the request at its
// position when it declares that intent or none, otherwise to the first
// open request of the intent it declares. An item declaring an intent
// nobody asked for leaves ErrOffIntent at its position. An empty string in
// intents accepts any intent.
func ForIntents(raw string, intents []string) []llm.Draft {
	drafts := make([]llm.Draft, len(intents))
	ex, err := extract(raw)
	if err != nil {
		for i := range drafts {
			drafts[i].Err = err
		}
		return drafts
	}
	filled := make([]bool, len(intents))
	used := make([]bool, len(ex.items))
	assign := func(i, j int) {
		drafts[j], filled[j], used[i] = toDraft(ex.items[i]), true, true
	}
	for i := range min(len(ex.items), len(intents)) {
		if d := ex.items[i].Intent; d == "" || intents[i] == "" || sameIntent(d, intents[i]) {
			assign(i, i)
		}
	}
	for i, it := range ex.items {
		for j := range intents {
			if !used[i] && !filled[j] && sameIntent(it.Intent, intents[j]) {
				assign(i, j)
			}
		}
	}
	for j := range intents {
		switch {
		case filled[j]:
		case j < len(ex.items) && !used[j]:
			drafts[j].Err = fmt.Errorf("%w: got %q, asked %q", ErrOffIntent, ex.items[j].Intent, intents[j])
		case ex.truncated:
			drafts[j].Err = fmt.Errorf("%w: conversation %d of %d is cut off", ErrTruncated, j+1, len(intents))
		default:
			drafts[j].Err = fmt.Errorf("%w: answer has %d conversations, %d asked", ErrMissing, len(ex.items), len(intents))
		}
	}
	return drafts
}

func sameIntent(a, b string) bool {
	return a != "" && normIntent(a) == normIntent(b)
}

func normIntent(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// toDraft validates one item: at least one turn, known roles, no empty text.
func toDraft(it item) llm.Draft {
	if it.err != nil {
		return llm.Draft{Err: it.err}
	}
	if len(it.Turns) == 0 {
		return llm.Draft{Err: fmt.Errorf("%w: conversation has no turns", ErrMissing)}
	}
	turns := make([]record.Turn, len(it.Turns))
	for i, t := range it.Turns {
		role, ok := roleOf(t.Role)
		if !ok {
			return llm.Draft{Err: fmt.Errorf("%w: turns[%d]: unknown role %q", ErrWrongShape, i, t.Role)}
		}
		text := strings.TrimSpace(t.Text)
		if text == "" {
			text = strings.TrimSpace(t.Content)
		}
		if text == "" {
			return llm.Draft{Err: fmt.Errorf("%w: turns[%d] has no text", ErrMissing, i)}
		}
		turns[i] = record.Turn{Role: role, Text: text}
	}
	return llm.Draft{Turns: turns}
}

// roleOf maps the role names models use to the record's two roles.
func roleOf(r string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(r)) {
	case "customer", "user", "client", "human", "caller":
		return record.RoleCustomer, true
	case "agent", "assistant", "support", "bot", "representative", "rep":
		return record.RoleAgent, true
	}
	return "", false
}
