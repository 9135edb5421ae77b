package taxonomy

// Material is what the offline synthesizer composes conversations of for
// one intent. Every field is a list of sentence templates: `{slot}` is
// replaced by a slot value (order_id, product, date, amount, ...; the
// offline package documents the full list) that stays the same for the
// whole conversation, and `[a|b|c]` picks one alternative per use (an empty
// alternative, as in `[really |]`, makes a word optional). docs/offline.md
// describes the format and how turns are composed from it.
type Material struct {
	// Openers are first customer sentences stating the need in plain words
	// a reader (and a rule classifier) recognises.
	Openers []string `yaml:"openers,omitempty" json:"openers,omitempty"`
	// Details are later customer sentences adding facts (numbers, dates,
	// products) or follow-up questions, in the intent's own vocabulary.
	Details []string `yaml:"details,omitempty" json:"details,omitempty"`
	// AgentAsks are the agent's first reply: acknowledge the need and ask
	// for what is needed to help.
	AgentAsks []string `yaml:"agent_asks,omitempty" json:"agent_asks,omitempty"`
	// AgentSteps are the agent's middle moves: checking, explaining,
	// offering options.
	AgentSteps []string `yaml:"agent_steps,omitempty" json:"agent_steps,omitempty"`
	// Resolutions are the agent's last reply: what was done or what
	// happens next.
	Resolutions []string `yaml:"resolutions,omitempty" json:"resolutions,omitempty"`
	// Closings are the customer's last words; built-in thanks are used
	// when empty.
	Closings []string `yaml:"closings,omitempty" json:"closings,omitempty"`
	// Frames are the parts first customer messages are composed of with
	// the synthesizer's shared sentence forms and registers. Without them
	// the synthesizer derives frames from the intent's name, description
	// and rule phrases.
	Frames Frames `yaml:"frames,omitempty" json:"frames,omitempty"`
	// Slots adds or replaces slot values for this intent: a `{plan}` in
	// a template draws from Slots["plan"] when present.
	Slots map[string][]string `yaml:"slots,omitempty" json:"slots,omitempty"`
}

// Frames are an intent's pieces of customer wording, combined with shared
// sentence forms ("how do I ...?", "I was wondering if I could ...",
// keywords, fragments...) and registers (polite, colloquial, offensive,
// terse). Each is a list of templates like the other material fields;
// `[a|b]` alternatives are where verbs, objects and synonyms vary.
type Frames struct {
	// Actions are verb phrases in the base form, completing "I want to
	// ...": "cancel [my|the] [order|purchase] {order_id}".
	Actions []string `yaml:"actions,omitempty" json:"actions,omitempty"`
	// Topics are short noun phrases, used alone or after "help with":
	// "order cancellation", "cancel order {order_id}".
	Topics []string `yaml:"topics,omitempty" json:"topics,omitempty"`
	// Questions are direct questions without the question mark: "what is
	// your refund policy".
	Questions []string `yaml:"questions,omitempty" json:"questions,omitempty"`
	// Problems are first-person statements of the situation behind the
	// need: "I forgot my password".
	Problems []string `yaml:"problems,omitempty" json:"problems,omitempty"`
}
