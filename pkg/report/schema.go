package report

// Column describes one column of the accepted-records Parquet files for
// the dataset card.
type Column struct {
	Name, Type, Meaning string
}

// Columns is the published schema of the accepted-records Parquet files,
// in file order. A test checks it against the columns the dataset package
// writes, so the card cannot drift from the files.
var Columns = []Column{
	{"conversation_id", "STRING", "Unique id of the record: `<job>-<slot>-<attempt>`."},
	{"job_id", "STRING", "Job that produced the record (also the `job_id=` folder)."},
	{"slot", "INT64", "Position of the record in the job's plan; a slot is regenerated until accepted."},
	{"attempt", "INT32", "Generation attempt of the slot that was accepted (0 is the first)."},
	{"intent", "STRING", "Final intent label, assigned by the rule classifier: the label to train on."},
	{"category", "STRING", "Category of the intent in the taxonomy."},
	{"requested_intent", "STRING", "Intent the generator was asked to write; differs from `intent` when the record was relabeled or kept despite a disagreement."},
	{"confidence", "DOUBLE", "Calibrated confidence of the rule label, 0 to 1."},
	{"runner_up", "STRING", "Second-best intent of the rule classifier."},
	{"margin", "DOUBLE", "Confidence gap between the label and the runner-up, 0 to 1."},
	{"turns", "LIST<STRUCT<role STRING, text STRING>>", "The conversation: role is `customer` or `agent`, text the utterance (noise applied to customer turns)."},
	{"customer_text", "STRING", "Customer turns joined by newlines: the usual classifier input."},
	{"num_turns", "INT32", "Number of turns."},
	{"noise_tags", "LIST<STRING>", "Noise injectors applied to the customer turns (typos, casing, ...); empty for clean text."},
	{"label_flags", "LIST<STRING>", "Label caveats: `disagreement` (rules disagreed with the requested intent, record kept), `noise_flip` (noise changed the rule label)."},
	{"generator", "STRING", "Backend that wrote the conversation (offline synthesizer or LLM backend and model)."},
	{"prompt_version", "STRING", "Version of the generation prompt or synthesizer material."},
	{"rules_version", "STRING", "Version of the classification rules."},
	{"seed", "INT64", "Seed of the slot attempt; with the job request it reproduces the record."},
	{"split", "STRING", "Assigned split: `train`, `validation` or `test`."},
	{"persona_age_band", "STRING", "Persona axis: age band of the simulated customer."},
	{"persona_tech_comfort", "STRING", "Persona axis: how comfortable the customer is with technology."},
	{"persona_mood", "STRING", "Persona axis: the customer's mood."},
	{"channel", "STRING", "Contact channel the conversation imitates (chat, email, ...)."},
	{"tone", "STRING", "Register of the customer's writing."},
	{"domain", "STRING", "Business domain the conversation is set in."},
	{"target_turns", "INT32", "Number of turns the generator was asked for."},
	{"quality_score", "DOUBLE", "Score the quality gate gave the record, 0 to 1 (0 when the gate does not score)."},
	{"pii_scrubbed", "BOOLEAN", "True when personal data was found and replaced by placeholders."},
	{"created_at", "TIMESTAMP (µs, UTC)", "When the record was generated."},
}
