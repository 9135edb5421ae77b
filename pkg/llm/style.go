package llm

import "github.com/synthdesk/synthdesk/pkg/record"

// Registers are the ways a customer's first message can be worded:
// plain, polite, colloquial, offensive (rude, with swearing) and terse.
// Treat the slice as read-only.
var Registers = []string{RegisterNeutral, RegisterPolite, RegisterColloquial, RegisterOffensive, RegisterTerse}

// Register names.
const (
	RegisterNeutral    = "neutral"
	RegisterPolite     = "polite"
	RegisterColloquial = "colloquial"
	RegisterOffensive  = "offensive"
	RegisterTerse      = "terse"
)

// Forms are the sentence forms of a customer's first message. Treat the
// slice as read-only.
var Forms = []string{
	FormRequest, FormQuestion, FormIndirect, FormNeed, FormKeywords,
	FormFragment, FormFrustrated, FormCoordinated, FormNegated,
}

// Form names.
const (
	// FormRequest asks for the thing: "I want to cancel my order".
	FormRequest = "request"
	// FormQuestion asks directly: "how do I cancel my order?".
	FormQuestion = "question"
	// FormIndirect asks indirectly: "I was wondering how I could ...".
	FormIndirect = "indirect"
	// FormNeed states a need or a situation: "I need to ...", "my card
	// was declined".
	FormNeed = "need"
	// FormKeywords is a few keywords: "cancel order 1234".
	FormKeywords = "keywords"
	// FormFragment is a phrase without a verb of its own: "help with ...".
	FormFragment = "fragment"
	// FormFrustrated frames the need as frustration about trying.
	FormFrustrated = "frustrated"
	// FormCoordinated joins two clauses: "I need to X and I don't know how".
	FormCoordinated = "coordinated"
	// FormNegated says what the customer cannot do or does not know.
	FormNegated = "negated"
)

// Style is the register and sentence form of a conversation's first
// customer message.
type Style struct {
	Register string
	Form     string
}

// DrawStyle draws the style of a conversation from its seed and axes:
// the register leans towards the tone (casual is mostly colloquial,
// terse mostly terse, polite and formal mostly polite) and annoyed or
// impatient customers are sometimes offensive; terse customers write
// keywords and fragments more often. Every backend draws the same style
// for the same Spec. It depends only on seed and ax.
func DrawStyle(seed int64, ax record.Axes) Style {
	x := uint64(seed) ^ 0x9e3779b97f4a7c15
	next := func(n int) int {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		return int(z % uint64(n))
	}
	// Register weights: neutral, polite, colloquial, offensive, terse.
	w := [5]int{40, 15, 20, 5, 20}
	switch ax.Tone {
	case "casual":
		w = [5]int{20, 5, 50, 8, 17}
	case "terse":
		w = [5]int{20, 3, 15, 7, 55}
	case "polite", "formal":
		w = [5]int{30, 55, 5, 1, 9}
	}
	if ax.Mood == "annoyed" || ax.Mood == "impatient" {
		w[3] += 20
	}
	reg := Registers[weighted(next, w[:])]
	// Form weights, in the order of Forms.
	f := [9]int{16, 16, 10, 12, 10, 12, 8, 8, 8}
	if reg == RegisterTerse {
		f = [9]int{10, 12, 3, 8, 30, 27, 3, 2, 5}
	}
	return Style{Register: reg, Form: Forms[weighted(next, f[:])]}
}

func weighted(next func(int) int, w []int) int {
	total := 0
	for _, v := range w {
		total += v
	}
	r := next(total)
	for i, v := range w {
		if r < v {
			return i
		}
		r -= v
	}
	return len(w) - 1
}
