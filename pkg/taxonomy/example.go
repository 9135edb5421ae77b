package taxonomy

import (
	"errors"
	"fmt"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Example is one curated multi-turn conversation shown to an LLM as a
// few-shot example for its intent.
type Example struct {
	// Channel is where the conversation happens (chat, email, phone).
	Channel string        `yaml:"channel,omitempty" json:"channel,omitempty"`
	Turns   []record.Turn `yaml:"turns" json:"turns"`
}

// Validate checks the example has alternating turns opened by the customer.
func (e Example) Validate() error {
	if len(e.Turns) < 2 {
		return errors.New("an example needs at least 2 turns")
	}
	for i, t := range e.Turns {
		want := record.RoleCustomer
		if i%2 == 1 {
			want = record.RoleAgent
		}
		if t.Role != want {
			return fmt.Errorf("turns[%d]: role %q, want %q (the customer speaks first, roles alternate)", i, t.Role, want)
		}
		if t.Text == "" {
			return fmt.Errorf("turns[%d]: empty text", i)
		}
	}
	return nil
}
