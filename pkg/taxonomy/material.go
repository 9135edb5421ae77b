package taxonomy

// Material is what the offline synthesizer composes conversations of for
// one intent.
type Material struct {
	// Openers are first customer sentences stating the need.
	Openers []string `yaml:"openers,omitempty" json:"openers,omitempty"`
}
