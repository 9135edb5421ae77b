package offline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Frame slots of the shared form templates; see forms.go. Their ids lie
// above every material slot id.
const (
	frameBase = 1 << 20
	fDo       = frameBase + iota
	fDoing
	fTopic
	fAsk
	fProblem
	fCurse
)

var frameNames = map[string]int{"do": fDo, "doing": fDoing, "topic": fTopic, "ask": fAsk, "problem": fProblem, "curse": fCurse}

// need bits: which of an intent's frame lists a form template uses.
const (
	needAction = 1 << iota
	needTopic
	needAsk
	needProblem
)

func needOf(id int) uint8 {
	switch id {
	case fDo, fDoing:
		return needAction
	case fTopic:
		return needTopic
	case fAsk:
		return needAsk
	case fProblem:
		return needProblem
	}
	return 0
}

// formTemplate is a compiled shared form with the frames it uses.
type formTemplate struct {
	t    template
	need uint8
}

// formSet holds the compiled forms per form and register index (the
// orders of llm.Forms and llm.Registers). Non-neutral registers get their
// own templates twice and the neutral ones once; terse gets its own only.
type formSet [][]([]formTemplate)

var formTable = compileForms()

func compileForms() formSet {
	st := newSlotTable(nil)
	for n, id := range frameNames {
		st.names[n] = id
	}
	compile := func(src []string) []formTemplate {
		out := make([]formTemplate, 0, len(src))
		for _, s := range src {
			t, err := parseTemplate(s, st)
			if err != nil {
				panic("offline: built-in form: " + err.Error())
			}
			out = append(out, formTemplate{t: t, need: templateNeed(t)})
		}
		return out
	}
	fs := make(formSet, len(llm.Forms))
	for i, f := range llm.Forms {
		fs[i] = make([][]formTemplate, len(llm.Registers))
		neutral := compile(forms[f][llm.RegisterNeutral])
		for j, r := range llm.Registers {
			own := compile(forms[f][r])
			switch r {
			case llm.RegisterNeutral:
				fs[i][j] = neutral
			case llm.RegisterTerse:
				fs[i][j] = own
			default:
				fs[i][j] = slices.Concat(own, own, neutral)
			}
		}
	}
	return fs
}

func templateNeed(t template) uint8 {
	var n uint8
	for _, seg := range t {
		n |= needOf(seg.slot)
		for _, a := range seg.alts {
			n |= templateNeed(a)
		}
	}
	return n
}

// frames are an intent's compiled frames.
type frames struct {
	actions, topics, asks, problems pool
	have                            uint8
}

// compileFrames compiles the intent's frames; lists the material leaves
// empty are derived from its name, description and rule phrases.
func compileFrames(in *taxonomy.Intent, st *slotTable) (frames, error) {
	fr := in.Material.Frames
	d := deriveFrames(in)
	lists := []struct {
		src, derived []string
		bit          uint8
	}{
		{fr.Actions, d.Actions, needAction},
		{fr.Topics, d.Topics, needTopic},
		{fr.Questions, d.Questions, needAsk},
		{fr.Problems, d.Problems, needProblem},
	}
	var f frames
	dst := []*pool{&f.actions, &f.topics, &f.asks, &f.problems}
	names := []string{"actions", "topics", "questions", "problems"}
	for i, l := range lists {
		src, derived := l.src, false
		if len(src) == 0 {
			src, derived = l.derived, true
		}
		for k, s := range src {
			var t template
			if derived {
				t = literal(s)
			} else {
				var err error
				if t, err = parseTemplate(s, st); err != nil {
					return frames{}, fmt.Errorf("intent %s: material.frames.%s[%d]: %w", in.Name, names[i], k, err)
				}
			}
			*dst[i] = append(*dst[i], t)
		}
		if len(*dst[i]) > 0 {
			f.have |= l.bit
		}
	}
	return f, nil
}

// verbs are words that start an action when an intent name or rule
// phrase begins with them ("check_balance" -> "check my balance").
var verbs = map[string]bool{
	"activate": true, "add": true, "apply": true, "block": true, "book": true, "buy": true, "cancel": true,
	"change": true, "check": true, "claim": true, "close": true, "confirm": true, "contact": true, "create": true,
	"deactivate": true, "delete": true, "deposit": true, "dispute": true, "download": true, "edit": true,
	"exchange": true, "extend": true, "file": true, "find": true, "fix": true, "freeze": true, "get": true,
	"increase": true, "lower": true, "make": true, "modify": true, "open": true, "order": true, "pay": true,
	"place": true, "port": true, "raise": true, "recover": true, "register": true, "remove": true, "renew": true,
	"replace": true, "report": true, "request": true, "reschedule": true, "reset": true, "restore": true,
	"return": true, "schedule": true, "see": true, "send": true, "set": true, "sign": true, "stop": true,
	"submit": true, "subscribe": true, "switch": true, "top": true, "track": true, "transfer": true,
	"unblock": true, "unfreeze": true, "unsubscribe": true, "update": true, "upgrade": true, "downgrade": true,
	"verify": true, "view": true, "withdraw": true,
}

// deriveFrames builds frames from what every intent has: its name, its
// description ("The customer wants to X" gives the action X, "asks which
// Y" the question "which Y", "cannot Z" the problem "I cannot Z") and its
// strongest multi-word rule phrases, which read like a customer's
// keywords.
func deriveFrames(in *taxonomy.Intent) taxonomy.Frames {
	var f taxonomy.Frames
	words := strings.Split(in.Name, "_")
	nameTopic := strings.Join(words, " ")
	if len(words) > 1 && verbs[words[0]] {
		obj := strings.Join(words[1:], " ")
		f.Actions = append(f.Actions, words[0]+" my "+obj, words[0]+" the "+obj)
		f.Topics = append(f.Topics, obj, nameTopic)
	} else {
		f.Topics = append(f.Topics, nameTopic)
		f.Actions = append(f.Actions, "get help with my "+nameTopic, "ask about the "+nameTopic, "get information on "+nameTopic)
	}
	desc := strings.TrimSuffix(strings.TrimSpace(firstPerson(in.Description)), ".")
	low := strings.ToLower(desc)
	for _, cue := range []string{"want to ", "would like to ", "need to ", "wants to "} {
		if i := strings.Index(low, cue); i >= 0 {
			if a := clause(desc[i+len(cue):]); a != "" {
				f.Actions = append(f.Actions, a)
			}
			break
		}
	}
	for _, cue := range []string{"asks which ", "asks what ", "asks how ", "asks when ", "asks where ", "asking which ", "asking what ", "asking how ", "asking when ", "asking where "} {
		if i := strings.Index(low, cue); i >= 0 {
			wh := cue[strings.IndexByte(cue, ' ')+1:]
			if q := clause(desc[i+len(cue):]); q != "" {
				f.Questions = append(f.Questions, wh+q)
			}
			break
		}
	}
	for _, cue := range []string{"asks about ", "asking about ", "questions about ", "help with "} {
		if i := strings.Index(low, cue); i >= 0 {
			if t := clause(desc[i+len(cue):]); t != "" {
				f.Topics = append(f.Topics, t)
			}
			break
		}
	}
	for _, cue := range []string{"I cannot ", "I can't ", "I am unable to "} {
		if i := strings.Index(desc, cue); i >= 0 {
			f.Problems = append(f.Problems, "I can't "+desc[i+len(cue):])
			break
		}
	}
	type phrase struct {
		p string
		w float64
	}
	var ps []phrase
	for p, w := range in.Rules.Phrases {
		if w >= 1 && strings.Contains(p, " ") && !strings.Contains(p, "#") {
			ps = append(ps, phrase{p, w})
		}
	}
	slices.SortFunc(ps, func(a, b phrase) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return strings.Compare(a.p, b.p)
	})
	for _, p := range ps[:min(len(ps), 10)] {
		f.Topics = append(f.Topics, p.p)
		if v, obj, ok := strings.Cut(p.p, " "); ok && verbs[v] {
			f.Actions = append(f.Actions, v+" my "+obj)
		}
	}
	return f
}

// clause cuts s at its first sentence or list boundary and lower-cases
// its first letter unless it is "I".
func clause(s string) string {
	if i := strings.IndexAny(s, ".;:("); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, " because "); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ","))
	if s == "" || strings.HasPrefix(s, "I ") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
