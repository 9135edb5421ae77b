package quality

import (
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// nullableLists are the Conversation fields that encode as JSON null when
// the stage that owns them had nothing to say (a nil slice).
var nullableLists = []string{"noise_tags", "label_flags"}

// GenerateConversationSchema reflects record.Conversation into the JSON
// Schema published as record.ConversationSchema. Every field is required
// and no other field is allowed, because encoding/json always writes them
// all; nil optional lists are allowed as null.
func GenerateConversationSchema() ([]byte, error) {
	r := &jsonschema.Reflector{}
	s := r.Reflect(&record.Conversation{})
	def, ok := s.Definitions["Conversation"]
	if !ok {
		return nil, fmt.Errorf("generate conversation schema: no Conversation definition")
	}
	for _, name := range nullableLists {
		p, ok := def.Properties.Get(name)
		if !ok {
			return nil, fmt.Errorf("generate conversation schema: no %s property", name)
		}
		def.Properties.Set(name, &jsonschema.Schema{OneOf: []*jsonschema.Schema{p, {Type: "null"}}})
	}
	s.Title = "synthdesk conversation record"
	s.Description = "One generated, labeled customer-service conversation (record.Conversation)."
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("generate conversation schema: %w", err)
	}
	return append(out, '\n'), nil
}
