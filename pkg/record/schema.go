package record

import _ "embed"

// ConversationSchema is the published JSON Schema (draft 2020-12) of a
// Conversation as JSON-encoded between stages and in rejected-record dumps.
// It is generated from the Go type; pkg/quality checks it stays in sync.
//
//go:embed conversation.schema.json
var ConversationSchema []byte
