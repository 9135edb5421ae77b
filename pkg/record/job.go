package record

import "time"

// Job statuses.
const (
	StatusRunning = "running"
	StatusDone    = "done"
	// StatusPartial: the retry budget ran out before every quota was met;
	// the files that exist are complete and the manifest says what is short.
	StatusPartial = "partial"
	// StatusFailed: the job ended without its rows: nothing was accepted,
	// or a stage stopped making progress (Reason names it).
	StatusFailed = "failed"
	// StatusCancelled: a user cancelled the job; the files written until
	// then are listed in the manifest.
	StatusCancelled = "cancelled"
)

// Terminal reports whether status is a final one: the job has ended.
func Terminal(status string) bool {
	switch status {
	case StatusDone, StatusPartial, StatusFailed, StatusCancelled:
		return true
	}
	return false
}

// Stop asks every stage to stop working on a job: a cancel, or a failure
// found by a stage. The sink then finishes the job with Status.
type Stop struct {
	// Status is the job's final status: StatusCancelled or StatusFailed.
	Status string `json:"status"`
	// Stage is the stage the failure was found in, empty for a cancel.
	Stage  string    `json:"stage,omitempty"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Job is the state of a job as kept in the bus's job store. The intake
// writes it once; the validator seals it; the sink finishes it.
type Job struct {
	ID      string  `json:"id"`
	Request Request `json:"request"`
	// Seed is the request's seed, or the one the intake picked.
	Seed int64 `json:"seed"`
	// Quotas are the accepted records to deliver per intent, in taxonomy
	// order; they add up to Request.Samples.
	Quotas []Quota `json:"quotas"`
	// TaxonomyHash identifies the taxonomy the job runs with.
	TaxonomyHash string `json:"taxonomy_hash"`
	// BatchRows is the number of records per Parquet part, fixed at intake
	// so every sink replica cuts the same batches.
	BatchRows int `json:"batch_rows"`
	// Partitions is the number of sink partitions records are spread on.
	Partitions int       `json:"partitions"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	// Sealed is set by the validator when admission is over: every quota is
	// met or the retry budget is spent. Accepted is then final.
	Sealed   bool      `json:"sealed"`
	SealedAt time.Time `json:"sealed_at,omitzero"`
	Accepted int64     `json:"accepted"`
	// Shortfall lists the intents left short when Sealed with Accepted <
	// Samples.
	Shortfall []Quota `json:"shortfall,omitempty"`
	// Rejections counts rejected records by reason and Regenerations the
	// retry budget spent; final once Sealed.
	Rejections    map[string]int64 `json:"rejections,omitempty"`
	Regenerations int              `json:"regenerations,omitempty"`
	// Epoch counts the times the job was reopened by a resubmission; it
	// is part of every message id, so the messages republished for a
	// reopened job are not taken for duplicates of those dropped while it
	// was stopped.
	Epoch int `json:"epoch,omitempty"`
	// Stop is set when the job is cancelled or failed before admission
	// ended; stages drop its messages from then on.
	Stop       *Stop     `json:"stop,omitempty"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Reason says why the job ended with its status, once it has.
	Reason string `json:"reason,omitempty"`
	// Error says why a job failed.
	Error string `json:"error,omitempty"`

	// Intake is how far the publishing of the job's tasks got.
	Intake Intake `json:"intake,omitzero"`
}

// Stopped reports whether stages should drop the job's messages: it was
// cancelled or failed, or it already ended.
func (j *Job) Stopped() bool { return j.Stop != nil || Terminal(j.Status) }

// Quota is a count for one intent.
type Quota struct {
	Intent string `json:"intent"`
	Count  int    `json:"count"`
}

// Parts is the number of Parquet parts of a job that accepted n records.
func (j *Job) Parts(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return (n + int64(j.BatchRows) - 1) / int64(j.BatchRows)
}

// IntakeReply answers a generation request: the job that was started, or
// why the request was refused (nothing is started then).
type IntakeReply struct {
	JobID   string  `json:"job_id,omitempty"`
	Samples int     `json:"samples,omitempty"`
	Seed    int64   `json:"seed,omitempty"`
	Quotas  []Quota `json:"quotas,omitempty"`
	// Error is set when the request was refused; it names the fields.
	Error string `json:"error,omitempty"`
}
