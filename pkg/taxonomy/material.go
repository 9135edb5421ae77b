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
	// Slots adds or replaces slot values for this intent: a `{plan}` in
	// a template draws from Slots["plan"] when present.
	Slots map[string][]string `yaml:"slots,omitempty" json:"slots,omitempty"`
}
