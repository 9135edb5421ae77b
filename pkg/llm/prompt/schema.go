package prompt

import (
	"encoding/json"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Output is the JSON object a model is asked to answer with; backends
// decode the completion into it.
type Output struct {
	Conversations []Conversation `json:"conversations"`
}

// Conversation is one conversation of an Output, in request order.
type Conversation struct {
	Intent string        `json:"intent"`
	Turns  []record.Turn `json:"turns"`
}

// schema is the JSON Schema of Output. It sticks to the keywords that
// OpenAI's strict structured outputs accept (every property required, no
// additional properties), so the same document works for
// `response_format: {type: json_schema}` and for Ollama's `format`.
const schema = `{
  "type": "object",
  "properties": {
    "conversations": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "intent": {"type": "string"},
          "turns": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "role": {"type": "string", "enum": ["customer", "agent"]},
                "text": {"type": "string"}
              },
              "required": ["role", "text"],
              "additionalProperties": false
            }
          }
        },
        "required": ["intent", "turns"],
        "additionalProperties": false
      }
    }
  },
  "required": ["conversations"],
  "additionalProperties": false
}`

// Schema returns the JSON Schema of Output. The document is the same for
// every call; the caller may keep or modify the returned copy.
func Schema() json.RawMessage {
	return json.RawMessage(schema)
}
