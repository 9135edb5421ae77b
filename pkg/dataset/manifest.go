package dataset

import (
	"time"

	"github.com/synthdesk/synthdesk/pkg/eval"
	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Manifest describes a finished job's files: written after every part and
// before _SUCCESS, it is what users and tools trust about the dataset.
type Manifest struct {
	SchemaVersion string `json:"schema_version"`
	JobID         string `json:"job_id"`
	// Status is done (every quota met, _SUCCESS follows), partial (the
	// retry budget ran out), failed (nothing accepted, or a stage stopped
	// making progress) or cancelled; Reason says why in one sentence.
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Location is where the job's files are (folder or s3:// URL).
	Location     string         `json:"location"`
	Request      record.Request `json:"request"`
	Seed         int64          `json:"seed"`
	TaxonomyHash string         `json:"taxonomy_hash"`
	Rows         int64          `json:"rows"`
	Files        []File         `json:"files"`
	// RejectedFiles are written when the request asked to keep rejections.
	RejectedFiles []File `json:"rejected_files,omitempty"`
	// Requested and Delivered are per-intent counts; Shortfall is their
	// difference when the job ended partial.
	Requested     []record.Quota   `json:"requested"`
	Delivered     []record.Quota   `json:"delivered"`
	Shortfall     []record.Quota   `json:"shortfall,omitempty"`
	Rejections    map[string]int64 `json:"rejections"`
	Regenerations int              `json:"regenerations"`
	Quality       quality.Summary  `json:"quality"`
	// LLM holds calls, retries and token figures summed over generators;
	// TokensEstimated is true when a server did not report usage.
	LLM LLMFigures `json:"llm"`
	// Stages are the operational counters of every stage.
	Stages map[string]map[string]int64 `json:"stages"`
	Timing Timing                      `json:"timing"`
	// Eval is the usefulness evaluation against a real sample, present
	// when the job was run with one (synthdesk run --eval-real).
	Eval *eval.Report `json:"eval,omitempty"`
}

// File is one written object.
type File struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// LLMFigures are a job's generation costs.
type LLMFigures struct {
	// Generator is the "backend/model" that wrote the accepted records
	// (several, comma-separated, when generators differed).
	Generator        string  `json:"generator"`
	Calls            int64   `json:"calls"`
	Retries          int64   `json:"retries"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	TokensEstimated  bool    `json:"tokens_estimated"`
	LLMSeconds       float64 `json:"llm_seconds"`
	GenerationFailed int64   `json:"generation_failed"`
	// Cost is what the calls cost at the request's or the generator's
	// prices per million tokens, in their currency; absent without prices.
	Cost *float64 `json:"cost,omitempty"`
	// Errors counts failed LLM attempts by kind (rate_limited, server,
	// timeout, ...); each was retried or failed its task.
	Errors map[string]int64 `json:"errors,omitempty"`
}

// Timing says when the job ran.
type Timing struct {
	CreatedAt     time.Time `json:"created_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Seconds       float64   `json:"seconds"`
	RowsPerSecond float64   `json:"rows_per_second"`
}
