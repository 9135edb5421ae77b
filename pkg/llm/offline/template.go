package offline

import (
	"fmt"
	"strings"
)

// A template is a sentence compiled once: literal text, slots and
// alternatives, rendered without parsing per conversation.
type template []segment

type segment struct {
	lit  string
	slot int        // slot id when >= 0
	alts []template // one is picked per render when non-nil
}

// parseTemplate compiles s. `{name}` is a slot looked up in slots; `[a|b]`
// picks one alternative (alternatives may hold slots, not further
// brackets).
func parseTemplate(s string, slots *slotTable) (template, error) {
	var t template
	for len(s) > 0 {
		i := strings.IndexAny(s, "{[")
		if i < 0 {
			t = appendLit(t, s)
			break
		}
		t = appendLit(t, s[:i])
		if s[i] == '{' {
			seg, rest, err := parseSlot(s[i:], slots)
			if err != nil {
				return nil, err
			}
			t, s = append(t, seg), rest
			continue
		}
		end := strings.IndexByte(s[i:], ']')
		if end < 0 {
			return nil, fmt.Errorf("unclosed '[' in %q", s)
		}
		seg, err := parseChoice(s[i+1:i+end], slots)
		if err != nil {
			return nil, fmt.Errorf("%w in %q", err, s)
		}
		t, s = append(t, seg), s[i+end+1:]
	}
	return t, nil
}

func parseSlot(s string, slots *slotTable) (segment, string, error) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return segment{}, "", fmt.Errorf("unclosed '{' in %q", s)
	}
	id, ok := slots.id(s[1:end])
	if !ok {
		return segment{}, "", fmt.Errorf("unknown slot {%s}; see docs/offline.md for the slot names or add it under material.slots", s[1:end])
	}
	return segment{slot: id}, s[end+1:], nil
}

func parseChoice(body string, slots *slotTable) (segment, error) {
	if strings.ContainsAny(body, "[") {
		return segment{}, fmt.Errorf("nested '['")
	}
	seg := segment{slot: -1}
	for _, alt := range strings.Split(body, "|") {
		t, err := parseTemplate(alt, slots)
		if err != nil {
			return segment{}, err
		}
		seg.alts = append(seg.alts, t)
	}
	return seg, nil
}

func appendLit(t template, s string) template {
	if s == "" {
		return t
	}
	return append(t, segment{lit: s, slot: -1})
}

// literal is a template that renders s unchanged (example turns and
// descriptions are text, not templates).
func literal(s string) template { return template{{lit: s, slot: -1}} }

// render appends the template to c.buf.
func (t template) render(c *composer) {
	for i := range t {
		seg := &t[i]
		switch {
		case seg.alts != nil:
			seg.alts[c.rng.IntN(len(seg.alts))].render(c)
		case seg.slot >= frameBase:
			c.frame(seg.slot)
		case seg.slot >= 0:
			c.buf = append(c.buf, c.value(seg.slot)...)
		default:
			c.buf = append(c.buf, seg.lit...)
		}
	}
}
