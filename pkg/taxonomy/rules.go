package taxonomy

// RuleSpec is the rule material of one intent, compiled by package rules.
type RuleSpec struct {
	// Phrases maps a normalized word or phrase to its weight.
	Phrases map[string]float64 `yaml:"phrases,omitempty" json:"phrases,omitempty"`
}

// Calibration turns rule scores into probabilities; fitted by
// `synthdesk rules calibrate` and stored with the rules.
type Calibration struct {
	// Temperature divides scores before the softmax.
	Temperature float64 `yaml:"temperature,omitempty" json:"temperature,omitempty"`
	// Threshold is the probability under which the label is "unknown".
	Threshold float64 `yaml:"threshold,omitempty" json:"threshold,omitempty"`
}
