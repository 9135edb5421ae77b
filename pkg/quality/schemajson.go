package quality

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// ErrSchema wraps every schema violation.
var ErrSchema = errors.New("record does not match the conversation schema")

var conversationSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(record.ConversationSchema))
	if err != nil {
		return nil, fmt.Errorf("parse conversation schema: %w", err)
	}
	const url = "conversation.schema.json"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("load conversation schema: %w", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile conversation schema: %w", err)
	}
	return s, nil
})

// ValidateConversationJSON validates a JSON-encoded conversation against
// record.ConversationSchema, compiled once per process. A violation wraps
// ErrSchema. Check does not call it: it runs the equivalent compiled checks
// on the Go value, which are two orders of magnitude faster.
func ValidateConversationJSON(data []byte) error {
	s, err := conversationSchema()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSchema, err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("%w: %w", ErrSchema, err)
	}
	return nil
}
