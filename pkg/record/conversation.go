package record

import (
	"strings"
	"time"
)

// Roles of a turn.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent"
)

// Splits a record can belong to.
const (
	SplitTrain      = "train"
	SplitValidation = "validation"
	SplitTest       = "test"
)

// Turn is one utterance of a conversation.
type Turn struct {
	Role string `json:"role" yaml:"role" jsonschema:"enum=customer,enum=agent"`
	Text string `json:"text" yaml:"text" jsonschema:"minLength=1"`
}

// Axes are the diversity axes drawn for a conversation; they are recorded so
// users can audit and filter the dataset.
type Axes struct {
	AgeBand     string `json:"persona_age_band"`
	TechComfort string `json:"persona_tech_comfort"`
	Mood        string `json:"persona_mood"`
	Channel     string `json:"channel"`
	Tone        string `json:"tone"`
	Domain      string `json:"domain"`
	// Turns is the number of turns the conversation was asked to have.
	Turns int `json:"target_turns"`
}

// Conversation is one generated, labeled customer-service conversation: the
// message between stages and, once accepted, one Parquet row. Stages fill it
// in order; the comment of each group says which stage owns it.
type Conversation struct {
	// Identity (generator).
	ConversationID string `json:"conversation_id" jsonschema:"minLength=1"`
	JobID          string `json:"job_id" jsonschema:"minLength=1"`
	Slot           int64  `json:"slot" jsonschema:"minimum=0"`
	Attempt        int32  `json:"attempt" jsonschema:"minimum=0"`
	Seed           int64  `json:"seed"`
	Split          string `json:"split" jsonschema:"enum=train,enum=validation,enum=test"`

	// Content (generator; noise edits customer turns in the classifier).
	RequestedIntent string `json:"requested_intent" jsonschema:"minLength=1"`
	Turns           []Turn `json:"turns" jsonschema:"minItems=1"`
	Axes            Axes   `json:"axes"`
	Generator       string `json:"generator" jsonschema:"minLength=1"`
	PromptVersion   string `json:"prompt_version"`
	// GenerationError is set, with no turns, when the backend could not
	// produce a usable conversation for the slot; the quality gate counts
	// it as a rejection and the slot is regenerated.
	GenerationError string `json:"generation_error,omitempty"`

	// Labels (classifier).
	Intent       string   `json:"intent"`
	Category     string   `json:"category"`
	Confidence   float64  `json:"confidence" jsonschema:"minimum=0,maximum=1"`
	RunnerUp     string   `json:"runner_up"`
	Margin       float64  `json:"margin" jsonschema:"minimum=0,maximum=1"`
	RulesVersion string   `json:"rules_version"`
	NoiseTags    []string `json:"noise_tags"`
	// LabelFlags lists label caveats: "disagreement" when the rules disagree
	// with the requested intent and the policy kept the record,
	// "noise_flip" when noise changed the rule label.
	LabelFlags []string `json:"label_flags"`
	// ContentChecked is set by the classifier once it has run the content
	// checks (meta-talk, placeholders, PII) on the conversation as
	// generated, before noise could disguise what they look for. Their
	// reasons are CleanFindings (the quality gate rejects on them), the
	// first problem of each is CleanDetail, and the gate does not run them
	// again. None of the three is written to Parquet.
	ContentChecked bool     `json:"content_checked,omitempty"`
	CleanFindings  []string `json:"clean_findings,omitempty"`
	CleanDetail    string   `json:"clean_detail,omitempty"`

	// Quality gate: the judge's score (validator), and whether the content
	// checks scrubbed PII under policy "scrub" (classifier).
	QualityScore float64 `json:"quality_score"`
	PIIScrubbed  bool    `json:"pii_scrubbed"`

	CreatedAt time.Time `json:"created_at"`
}

// CustomerText is the customer turns joined by newlines: what intent
// classifiers are usually trained on.
func (c *Conversation) CustomerText() string {
	var b strings.Builder
	for _, t := range c.Turns {
		if t.Role != RoleCustomer {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// Accepted is a conversation admitted by the quality gate, with its place in
// the job's output: Index is unique and dense in [0, accepted count).
type Accepted struct {
	Index        int64        `json:"index"`
	Conversation Conversation `json:"conversation"`
}

// Rejected is a conversation the quality gate turned down, with its reasons.
type Rejected struct {
	Reasons      []string     `json:"reasons"`
	Detail       string       `json:"detail,omitempty"`
	Conversation Conversation `json:"conversation"`
}
