package record

import "time"

// Job statuses.
const (
	StatusRunning = "running"
	StatusDone    = "done"
	// StatusPartial: the retry budget ran out before every quota was met;
	// the files that exist are complete and the manifest says what is short.
	StatusPartial = "partial"
	StatusFailed  = "failed"
)

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
	FinishedAt    time.Time        `json:"finished_at,omitzero"`
	// Error says why a job failed.
	Error string `json:"error,omitempty"`

	// Intake is how far the publishing of the job's tasks got.
	Intake Intake `json:"intake,omitzero"`
}

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
