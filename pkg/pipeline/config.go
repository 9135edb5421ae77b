// Package pipeline adapts each stage's logic to the bus: the intake that
// turns a request into a job, and one handler per stage (generator,
// classifier, validator, sink). Services run one stage each; the CLI's
// embedded mode runs them all in one process with the same code.
//
// Follow a record: intake.go (request -> job and tasks) -> generator.go
// (task -> conversations) -> classifier.go (labels, noise) -> validator.go
// (checks, ledger, accepted/rejected/regenerated) -> sink.go (batches ->
// Parquet parts) -> finalize.go (manifest, _SUCCESS).
package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/llm/judge"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// Config is what every stage needs; each stage reads its own fields.
type Config struct {
	Conn     *bus.Conn
	Log      zerolog.Logger
	Metrics  *telemetry.Metrics
	Taxonomy *taxonomy.Taxonomy
	// Replica names this process in counters (hostname or pod name).
	Replica string
	// Concurrency is the number of handler goroutines per stage.
	Concurrency int

	// Generator: limits, backends and slots per task.
	MaxSamples int
	TaskSize   int
	LLM        *LLMSet
	// IntakeChunk is the number of tasks published between two records of
	// intake progress (default 1000); IntakeResume is how long a running
	// job's publishing may stand still before a generator replica takes
	// it over, and how often replicas look (default 30s).
	IntakeChunk  int
	IntakeResume time.Duration

	// Validator: an optional LLM judge scoring each record that passes the
	// checks (quality_score); nil means no judging.
	Judge *judge.Judge

	// Outputs confines the outputs requests may name (intake and sink);
	// the zero policy allows any.
	Outputs store.Policy

	// Sink: records per Parquet part, partitions, default output, store
	// settings and Parquet compression.
	BatchRows   int
	Partitions  int
	Output      string
	S3          store.S3Config
	Compression string
	// SinkAckWait is how long the messages a sink replica holds stay
	// hidden from the others after it dies (default 15s); a live replica
	// keeps them alive however long their part takes to fill.
	SinkAckWait time.Duration
	// SinkPinnedTTL is how long a sink replica keeps its partitions after
	// it stops pulling (died) before a standby replica takes them (default
	// 10s). A replica that stops cleanly gives them up at once.
	SinkPinnedTTL time.Duration
	// Fault, when set, is called at named points of the sink ("uploaded",
	// "acked"); a non-nil error makes the sink stop at once without acking,
	// as if the process had been killed. Used by crash tests.
	Fault func(point string) error
	// NoProgress is how long a job may go without any stage counter
	// moving before a sink ends it as failed, for requests that do not set
	// no_progress_seconds (default DefaultNoProgress).
	NoProgress time.Duration
}

// Defaults fills zero fields.
func (c *Config) Defaults() {
	if c.Concurrency == 0 {
		c.Concurrency = 8
	}
	if c.TaskSize == 0 {
		c.TaskSize = 32
	}
	if c.IntakeChunk == 0 {
		c.IntakeChunk = 1000
	}
	if c.IntakeResume == 0 {
		c.IntakeResume = 30 * time.Second
	}
	if c.BatchRows == 0 {
		c.BatchRows = 10000
	}
	if c.Partitions == 0 {
		c.Partitions = 4
	}
	if c.Compression == "" {
		c.Compression = "snappy"
	}
	if c.SinkAckWait == 0 {
		c.SinkAckWait = 15 * time.Second
	}
	if c.SinkPinnedTTL == 0 {
		c.SinkPinnedTTL = 10 * time.Second
	}
	if c.NoProgress == 0 {
		c.NoProgress = DefaultNoProgress
	}
	if c.Replica == "" {
		c.Replica = "r0"
	}
	if c.Metrics == nil {
		c.Metrics = telemetry.NewMetrics()
	}
}

// Validate reports every problem at once.
func (c *Config) Validate() error {
	var errs []error
	if c.Conn == nil {
		errs = append(errs, errors.New("pipeline: no bus connection"))
	}
	if c.Taxonomy == nil {
		errs = append(errs, errors.New("pipeline: no taxonomy"))
	}
	if c.BatchRows < 1 || c.BatchRows > 100_000 {
		errs = append(errs, fmt.Errorf("batch rows must be from 1 to 100000, got %d", c.BatchRows))
	}
	if c.Partitions < 1 || c.Partitions > 64 {
		errs = append(errs, fmt.Errorf("sink partitions must be from 1 to 64, got %d", c.Partitions))
	}
	if err := c.Outputs.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Compression != "snappy" && c.Compression != "zstd" {
		errs = append(errs, fmt.Errorf("compression %q is not one of snappy, zstd", c.Compression))
	}
	return errors.Join(errs...)
}
