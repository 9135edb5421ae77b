// Package parts assembles accepted records into Parquet parts, knowing
// nothing of the bus: records come in with their dense index, complete
// parts go out with their records in index order, and the assembler says
// which open parts are stale and which one to give back when a partition
// holds too much.
//
// Part membership is deterministic: part n of a job holds exactly the
// indexes [n*BatchRows, (n+1)*BatchRows), and the last part ends at the
// job's accepted total once the job is sealed.
package parts

import (
	"errors"
	"fmt"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Key names one part of a job.
type Key struct {
	Job string
	Seq int64
}

// Shape is what the assembler needs to know of a job to tell whether a
// part is complete and which partition it travels on.
type Shape struct {
	// BatchRows is the number of records per part.
	BatchRows int
	// Partitions is the number of partitions parts are spread on.
	Partitions int
	// Total is the number of records the job will have: the accepted
	// total once sealed, the requested samples until then.
	Total int64
}

// ShapeOf is the shape of a job as its state says.
func ShapeOf(job record.Job) Shape {
	total := int64(job.Request.Samples)
	if job.Sealed {
		total = job.Accepted
	}
	return Shape{BatchRows: job.BatchRows, Partitions: job.Partitions, Total: total}
}

// Rows is how many records part seq holds when complete; zero or less
// when the job has no such part.
func (s Shape) Rows(seq int64) int64 {
	return min(int64(s.BatchRows), s.Total-seq*int64(s.BatchRows))
}

// Errors of KeyOf.
var (
	ErrNoRecords  = errors.New("no records")
	ErrBadRows    = errors.New("records per part must be positive")
	ErrMixedParts = errors.New("records of more than one part")
)

// KeyOf is the part the records belong to; an error matching
// ErrMixedParts when they belong to more than one.
func KeyOf(recs []record.Accepted, batchRows int) (Key, error) {
	if len(recs) == 0 {
		return Key{}, ErrNoRecords
	}
	if batchRows <= 0 {
		return Key{}, fmt.Errorf("%w: %d", ErrBadRows, batchRows)
	}
	key := Key{Job: recs[0].Conversation.JobID, Seq: recs[0].Index / int64(batchRows)}
	for _, a := range recs[1:] {
		if a.Conversation.JobID != key.Job || a.Index/int64(batchRows) != key.Seq {
			return Key{}, fmt.Errorf("%w: index %d of job %s with part %d of job %s",
				ErrMixedParts, a.Index, a.Conversation.JobID, key.Seq, key.Job)
		}
	}
	return key, nil
}
