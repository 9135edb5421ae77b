package dataset

import (
	"time"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Struct tags below are the published Parquet schema: column names,
// physical and logical types. Low-cardinality strings are dictionary
// encoded.

type turnRow struct {
	Role string `parquet:"name=role, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Text string `parquet:"name=text, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING"`
}

type row struct {
	ConversationID     string    `parquet:"name=conversation_id, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING"`
	JobID              string    `parquet:"name=job_id, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Slot               int64     `parquet:"name=slot, type=INT64"`
	Attempt            int32     `parquet:"name=attempt, type=INT32"`
	Intent             string    `parquet:"name=intent, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Category           string    `parquet:"name=category, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	RequestedIntent    string    `parquet:"name=requested_intent, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Confidence         float64   `parquet:"name=confidence, type=DOUBLE"`
	RunnerUp           string    `parquet:"name=runner_up, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Margin             float64   `parquet:"name=margin, type=DOUBLE"`
	Turns              []turnRow `parquet:"name=turns, type=LIST"`
	CustomerText       string    `parquet:"name=customer_text, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING"`
	NumTurns           int32     `parquet:"name=num_turns, type=INT32"`
	NoiseTags          []string  `parquet:"name=noise_tags, type=LIST, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8, valuelogicaltype=STRING"`
	LabelFlags         []string  `parquet:"name=label_flags, type=LIST, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8, valuelogicaltype=STRING"`
	Generator          string    `parquet:"name=generator, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	PromptVersion      string    `parquet:"name=prompt_version, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	RulesVersion       string    `parquet:"name=rules_version, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Seed               int64     `parquet:"name=seed, type=INT64"`
	Split              string    `parquet:"name=split, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	PersonaAgeBand     string    `parquet:"name=persona_age_band, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	PersonaTechComfort string    `parquet:"name=persona_tech_comfort, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	PersonaMood        string    `parquet:"name=persona_mood, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Channel            string    `parquet:"name=channel, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Tone               string    `parquet:"name=tone, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	Domain             string    `parquet:"name=domain, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING, encoding=PLAIN_DICTIONARY"`
	TargetTurns        int32     `parquet:"name=target_turns, type=INT32"`
	QualityScore       float64   `parquet:"name=quality_score, type=DOUBLE"`
	PIIScrubbed        bool      `parquet:"name=pii_scrubbed, type=BOOLEAN"`
	CreatedAt          int64     `parquet:"name=created_at, type=INT64, convertedtype=TIMESTAMP_MICROS, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MICROS"`

	// Reasons and Detail carry no tag, so the accepted schema leaves them
	// out; rejectedType tags them.
	Reasons []string
	Detail  string
}

func toRow(c *record.Conversation) row {
	turns := make([]turnRow, len(c.Turns))
	for i, t := range c.Turns {
		turns[i] = turnRow{Role: t.Role, Text: t.Text}
	}
	var created int64
	if !c.CreatedAt.IsZero() {
		created = c.CreatedAt.UnixMicro()
	}
	return row{
		ConversationID: c.ConversationID, JobID: c.JobID, Slot: c.Slot, Attempt: c.Attempt,
		Intent: c.Intent, Category: c.Category, RequestedIntent: c.RequestedIntent,
		Confidence: c.Confidence, RunnerUp: c.RunnerUp, Margin: c.Margin,
		Turns: turns, CustomerText: c.CustomerText(), NumTurns: int32(len(c.Turns)),
		NoiseTags: c.NoiseTags, LabelFlags: c.LabelFlags,
		Generator: c.Generator, PromptVersion: c.PromptVersion, RulesVersion: c.RulesVersion,
		Seed: c.Seed, Split: c.Split,
		PersonaAgeBand: c.Axes.AgeBand, PersonaTechComfort: c.Axes.TechComfort, PersonaMood: c.Axes.Mood,
		Channel: c.Axes.Channel, Tone: c.Axes.Tone, Domain: c.Axes.Domain, TargetTurns: int32(c.Axes.Turns),
		QualityScore: c.QualityScore, PIIScrubbed: c.PIIScrubbed, CreatedAt: created,
	}
}

// conversation is the inverse of toRow; customer_text and num_turns are
// derived columns and have no field of their own.
func (r *row) conversation() record.Conversation {
	var turns []record.Turn
	if len(r.Turns) > 0 {
		turns = make([]record.Turn, len(r.Turns))
		for i, t := range r.Turns {
			turns[i] = record.Turn{Role: t.Role, Text: t.Text}
		}
	}
	c := record.Conversation{
		ConversationID: r.ConversationID, JobID: r.JobID, Slot: r.Slot, Attempt: r.Attempt,
		Seed: r.Seed, Split: r.Split, RequestedIntent: r.RequestedIntent, Turns: turns,
		Axes: record.Axes{
			AgeBand: r.PersonaAgeBand, TechComfort: r.PersonaTechComfort, Mood: r.PersonaMood,
			Channel: r.Channel, Tone: r.Tone, Domain: r.Domain, Turns: int(r.TargetTurns),
		},
		Generator: r.Generator, PromptVersion: r.PromptVersion,
		Intent: r.Intent, Category: r.Category, Confidence: r.Confidence,
		RunnerUp: r.RunnerUp, Margin: r.Margin, RulesVersion: r.RulesVersion,
		NoiseTags: nilIfEmpty(r.NoiseTags), LabelFlags: nilIfEmpty(r.LabelFlags),
		QualityScore: r.QualityScore, PIIScrubbed: r.PIIScrubbed,
	}
	if r.CreatedAt != 0 {
		c.CreatedAt = time.UnixMicro(r.CreatedAt).UTC()
	}
	return c
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
