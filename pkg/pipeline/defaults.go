package pipeline

import (
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
)

// The defaults of every stage setting, in one place: stage configs, the
// services' flags and `synthdesk run` all read them from here.
const (
	// DefaultConcurrency is the number of handler goroutines per stage.
	DefaultConcurrency = bus.DefaultConcurrency
	// DefaultReplica names a process in counters when nothing else does.
	DefaultReplica = "r0"

	// DefaultMaxSamples is the largest request a generator accepts.
	DefaultMaxSamples = 10_000_000
	// DefaultTaskSize is the number of slots per generator task.
	DefaultTaskSize = 32
	// DefaultIntakeChunk is the number of tasks published between two
	// records of intake progress.
	DefaultIntakeChunk = 1000
	// DefaultIntakeResume is how long a running job's publishing may stand
	// still before a generator replica takes it over.
	DefaultIntakeResume = 30 * time.Second

	// DefaultBatchRows is the number of records per Parquet part.
	DefaultBatchRows = 10_000
	// DefaultPartitions is the number of sink partitions.
	DefaultPartitions = 4
	// DefaultCompression is the Parquet compression (snappy or zstd).
	DefaultCompression = "snappy"
	// DefaultSinkAckWait is how long the messages a dead sink replica held
	// stay hidden from the others.
	DefaultSinkAckWait = 15 * time.Second
	// DefaultSinkPinnedTTL is how long a dead sink replica keeps its
	// partitions before a standby takes them.
	DefaultSinkPinnedTTL = 10 * time.Second
	// DefaultNoProgress is how long a job may go without any stage counter
	// moving before a sink ends it as failed, when its request does not set
	// no_progress_seconds. It must exceed the time one generator task takes
	// (32 conversations by default) on the slowest LLM in use.
	DefaultNoProgress = 10 * time.Minute
)
