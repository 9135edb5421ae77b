package offline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// pool is a list of compiled alternatives; one is rendered per use.
type pool []template

func (p pool) pick(c *composer) { p[c.rng.IntN(len(p))].render(c) }

// compiled is an intent's material ready to compose from.
type compiled struct {
	slots                                                *slotTable
	openers, details, asks, steps, resolutions, closings pool
	frames                                               frames
	// classic is the percentage of first turns that use an opener as it
	// is written rather than a shared form.
	classic int
}

// compileIntent compiles the material of in. An intent without openers
// falls back to its examples' turns, then to its description, then to its
// name, so every intent yields conversations.
func compileIntent(in *taxonomy.Intent) (*compiled, error) {
	m := in.Material
	st := newSlotTable(m.Slots)
	var err error
	ci := &compiled{slots: st}
	fields := []struct {
		name string
		src  []string
		dst  *pool
	}{
		{"openers", m.Openers, &ci.openers}, {"details", m.Details, &ci.details},
		{"agent_asks", m.AgentAsks, &ci.asks}, {"agent_steps", m.AgentSteps, &ci.steps},
		{"resolutions", m.Resolutions, &ci.resolutions}, {"closings", m.Closings, &ci.closings},
	}
	for _, f := range fields {
		for i, s := range f.src {
			t, perr := parseTemplate(s, st)
			if perr != nil {
				return nil, fmt.Errorf("intent %s: material.%s[%d]: %w", in.Name, f.name, i, perr)
			}
			*f.dst = append(*f.dst, t)
		}
	}
	if ci.frames, err = compileFrames(in, st); err != nil {
		return nil, err
	}
	// Written openers are used more often when the intent has no frames
	// of its own; a description-based one is a single sentence.
	ci.classic = 20
	if !hasFrames(in.Material.Frames) {
		ci.classic = 50
	}
	if len(ci.openers) == 0 {
		ci.fromExamples(in.Examples)
	}
	if len(ci.openers) == 0 {
		ci.openers, ci.classic = descriptionOpeners(in), 8
	}
	ci.fillGenerics()
	return ci, nil
}

// fromExamples recombines example turns: first customer turns open,
// later ones add details, and agent turns ask, step or resolve by
// position.
func (ci *compiled) fromExamples(examples []taxonomy.Example) {
	for _, ex := range examples {
		agentTurns := 0
		for _, t := range ex.Turns {
			if t.Role == record.RoleAgent {
				agentTurns++
			}
		}
		seenAgent := 0
		for i, t := range ex.Turns {
			text := strings.TrimSpace(t.Text)
			if text == "" {
				continue
			}
			switch {
			case t.Role == record.RoleCustomer && i == 0:
				ci.openers = append(ci.openers, literal(text))
			case t.Role == record.RoleCustomer && i == len(ex.Turns)-1 && i >= 2:
				ci.closings = append(ci.closings, literal(text))
			case t.Role == record.RoleCustomer:
				ci.details = append(ci.details, literal(text))
			case seenAgent == agentTurns-1:
				seenAgent++
				ci.resolutions = append(ci.resolutions, literal(text))
			case seenAgent == 0:
				seenAgent++
				ci.asks = append(ci.asks, literal(text))
			default:
				seenAgent++
				ci.steps = append(ci.steps, literal(text))
			}
		}
	}
}

// descriptionOpeners turns "The customer wants to X." into first-person
// requests; without a description the intent's name is used.
func descriptionOpeners(in *taxonomy.Intent) pool {
	need := firstPerson(in.Description)
	if need == "" {
		need = "I need help with " + strings.ReplaceAll(in.Name, "_", " ") + "."
	}
	lead := []string{"", "I have a question. ", "Could you help me? ", "I need some help. ", "Quick one. "}
	p := make(pool, 0, len(lead))
	for _, l := range lead {
		p = append(p, literal(l+need))
	}
	return p
}

var thirdToFirst = strings.NewReplacer(
	"The customer ", "I ", "the customer ", "I ", " their ", " my ", " they ", " I ", " them ", " me ",
	"I wants ", "I want ", "I asks ", "I am asking ", "I needs ", "I need ", "I is ", "I am ",
	"I has ", "I have ", "I cannot ", "I cannot ", "I does ", "I do ", "I tried ", "I tried ",
)

func firstPerson(desc string) string {
	desc = strings.TrimSpace(desc)
	if desc == "" {
		return ""
	}
	s := thirdToFirst.Replace(thirdToFirst.Replace(desc))
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (ci *compiled) fillGenerics() {
	if len(ci.asks) == 0 {
		ci.asks = std.asks
	}
	if len(ci.steps) == 0 {
		ci.steps = std.steps
	}
	if len(ci.resolutions) == 0 {
		ci.resolutions = std.resolutions
	}
	if len(ci.closings) == 0 {
		ci.closings = std.closings
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func hasFrames(f taxonomy.Frames) bool {
	return len(f.Actions)+len(f.Topics)+len(f.Questions)+len(f.Problems) > 0
}
