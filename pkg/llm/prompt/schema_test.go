package prompt

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/synthdesk/synthdesk/pkg/record"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("output.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("output.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return sch
}

func TestSchema(t *testing.T) {
	sch := compileSchema(t)
	good, err := json.Marshal(Output{Conversations: []Conversation{{
		Intent: "review",
		Turns:  []record.Turn{{Role: record.RoleCustomer, Text: "hi"}, {Role: record.RoleAgent, Text: "hello"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		doc   string
		valid bool
	}{
		{"output", string(good), true},
		{"format line of the system part", `{"conversations":[{"intent":"<name>","turns":[{"role":"customer","text":"..."},{"role":"agent","text":"..."}]}]}`, true},
		{"no conversations", `{}`, false},
		{"unknown role", `{"conversations":[{"intent":"review","turns":[{"role":"bot","text":"hi"}]}]}`, false},
		{"missing turns", `{"conversations":[{"intent":"review"}]}`, false},
		{"extra property", `{"conversations":[],"note":"x"}`, false},
		{"text not a string", `{"conversations":[{"intent":"review","turns":[{"role":"agent","text":1}]}]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(c.doc)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); (err == nil) != c.valid {
				t.Fatalf("valid = %v, want %v (%v)", err == nil, c.valid, err)
			}
		})
	}
}

// The system part shows the same format the schema describes.
func TestSystemShowsFormat(t *testing.T) {
	const format = `{"conversations":[{"intent":"<name>","turns":[{"role":"customer","text":"..."},{"role":"agent","text":"..."}]}]}`
	if !bytes.Contains([]byte(system), []byte(format)) {
		t.Fatal("system part lacks the output format line")
	}
}
