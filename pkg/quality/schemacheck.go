package quality

import (
	"fmt"
	"math"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// checkSchema applies to the Go value the constraints of
// record.ConversationSchema that a Go value can break, plus the values
// encoding/json refuses (NaN, infinities, years outside 0-9999). It
// returns the first violation, or nil; TestSchemaAgreement proves it
// accepts exactly what ValidateConversationJSON accepts.
func checkSchema(c *record.Conversation) error {
	switch {
	case c.ConversationID == "":
		return fmt.Errorf("%w: conversation_id is empty", ErrSchema)
	case c.JobID == "":
		return fmt.Errorf("%w: job_id is empty", ErrSchema)
	case c.Slot < 0:
		return fmt.Errorf("%w: slot %d is negative", ErrSchema, c.Slot)
	case c.Attempt < 0:
		return fmt.Errorf("%w: attempt %d is negative", ErrSchema, c.Attempt)
	case c.Split != record.SplitTrain && c.Split != record.SplitValidation && c.Split != record.SplitTest:
		return fmt.Errorf("%w: split %q is not train, validation or test", ErrSchema, c.Split)
	case c.RequestedIntent == "":
		return fmt.Errorf("%w: requested_intent is empty", ErrSchema)
	case len(c.Turns) == 0:
		return fmt.Errorf("%w: turns is empty", ErrSchema)
	case c.Generator == "":
		return fmt.Errorf("%w: generator is empty", ErrSchema)
	case !unitInterval(c.Confidence):
		return fmt.Errorf("%w: confidence %v is not in [0, 1]", ErrSchema, c.Confidence)
	case !unitInterval(c.Margin):
		return fmt.Errorf("%w: margin %v is not in [0, 1]", ErrSchema, c.Margin)
	case math.IsNaN(c.QualityScore) || math.IsInf(c.QualityScore, 0):
		return fmt.Errorf("%w: quality_score %v is not a number", ErrSchema, c.QualityScore)
	case c.CreatedAt.Year() < 0 || c.CreatedAt.Year() > 9999:
		return fmt.Errorf("%w: created_at year %d is outside 0-9999", ErrSchema, c.CreatedAt.Year())
	}
	for i, t := range c.Turns {
		if t.Role != record.RoleCustomer && t.Role != record.RoleAgent {
			return fmt.Errorf("%w: turns[%d].role %q is not customer or agent", ErrSchema, i, t.Role)
		}
		if t.Text == "" {
			return fmt.Errorf("%w: turns[%d].text is empty", ErrSchema, i)
		}
	}
	return nil
}

func unitInterval(x float64) bool { return x >= 0 && x <= 1 }
