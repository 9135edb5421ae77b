package record

import "time"

// Intake records how far the intake got publishing a job's generator
// tasks, so that any generator replica can finish the publishing of a job
// whose intake was cut short (a killed process, a lost connection).
type Intake struct {
	// TaskSize is the number of slots per task the job's tasks are cut
	// with; a replica that resumes cuts the same tasks whatever its own
	// setting.
	TaskSize int `json:"task_size"`
	// Tasks is the number of tasks of the job; Published of them, from
	// the first, are stored in the generate stream.
	Tasks     int `json:"tasks"`
	Published int `json:"published"`
	// At is when publishing last made progress; a replica takes over a
	// running job whose publishing has been still for a while.
	At time.Time `json:"at"`
}

// Pending reports whether tasks of the job are still to be published. Jobs
// stored before publishing was recorded have no Tasks and are complete.
func (i Intake) Pending() bool { return i.Tasks > 0 && i.Published < i.Tasks }
