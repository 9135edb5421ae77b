package taxonomy

// RuleSpec is the rule material of one intent, compiled by package rules.
// Phrases and their weights are the intent's evidence; the score of an
// intent is the weighted sum of the evidence found in a conversation.
type RuleSpec struct {
	// Phrases maps a word or phrase to its weight. Phrases are normalized
	// like the text they are matched against (lowercase, contractions
	// expanded, light stemming), so "cancelling" and "cancel" are the same
	// word. Entity cues are written as tokens: #num (a number of 5 or more
	// digits), #n (a shorter number), #ref (#123), #money ($12) and #code (a
	// mix of letters and digits). Negative weights count against the intent.
	Phrases map[string]float64 `yaml:"phrases,omitempty" json:"phrases,omitempty"`
	// Patterns maps a regular expression (RE2 syntax) matched against the
	// lowercased text of a turn to its weight; use them only for what
	// phrases cannot say.
	Patterns map[string]float64 `yaml:"patterns,omitempty" json:"patterns,omitempty"`
	// Bias is added to the intent's score of every conversation that has
	// some evidence.
	Bias float64 `yaml:"bias,omitempty" json:"bias,omitempty"`
}

// Calibration turns rule scores into probabilities; fitted by
// `synthdesk rules calibrate` and stored with the rules. Zero fields take
// the defaults of package rules.
type Calibration struct {
	// Temperature divides scores before the softmax.
	Temperature float64 `yaml:"temperature,omitempty" json:"temperature,omitempty"`
	// Threshold is the probability under which the label is "unknown".
	Threshold float64 `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	// TurnWeights are the weights of the first, second, ... customer turn;
	// the last weight applies to every later customer turn.
	TurnWeights []float64 `yaml:"turn_weights,omitempty" json:"turn_weights,omitempty"`
	// AgentWeight is the weight of agent turns (0 ignores them).
	AgentWeight float64 `yaml:"agent_weight,omitempty" json:"agent_weight,omitempty"`
	// NegationWindow is how many words after a negation ("not", "never")
	// are negated; a clause break or a word like "but" ends it sooner.
	NegationWindow int `yaml:"negation_window,omitempty" json:"negation_window,omitempty"`
}
