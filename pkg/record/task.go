package record

// Task is a generator work item: a slice of a job's slots to fill. Several
// generator replicas share a job by taking different tasks.
type Task struct {
	JobID string `json:"job_id"`
	Slots []Slot `json:"slots"`
	// Regen marks a task that replaces rejected records.
	Regen bool `json:"regen,omitempty"`
}

// Slot is one place in a job's output to fill with a conversation of
// Intent. Attempt counts regenerations of the slot; Split is fixed per slot
// so that the train/validation/test stratification survives regeneration.
type Slot struct {
	Index   int64  `json:"index"`
	Intent  string `json:"intent"`
	Split   string `json:"split"`
	Attempt int32  `json:"attempt"`
}
