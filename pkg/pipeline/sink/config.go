package sink

import (
	"errors"
	"fmt"

	"time"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// Config is the sink's settings.
type Config struct {
	// Layout must be the generators' (records per part, partitions).
	pipeline.Layout
	// Output is the default output, for requests that name none.
	Output string
	// S3 is the object store's settings, for s3:// outputs.
	S3 store.S3Config
	// Outputs confines the outputs requests may name; the zero policy
	// allows any.
	Outputs location.Policy
	// Compression is the Parquet compression: snappy or zstd.
	Compression string
	// AckWait is how long the messages a sink replica holds stay hidden
	// from the others after it dies; a live replica keeps them alive
	// however long their part takes to fill.
	AckWait time.Duration
	// PinnedTTL is how long a sink replica keeps its partitions after it
	// stops pulling (died) before a standby replica takes them. A replica
	// that stops cleanly gives them up at once.
	PinnedTTL time.Duration
	// NoProgress is how long a job may go without any stage counter moving
	// before the sink ends it as failed, for requests that do not set
	// no_progress_seconds.
	NoProgress time.Duration
	// Fault, when set, is called at named points ("uploaded", "acked"); a
	// non-nil error makes the sink stop at once without acking, as if the
	// process had been killed. Used by crash tests.
	Fault func(point string) error
}

// Name is the stage's name.
func (Config) Name() string { return pipeline.StageSink }

// SetDefaults fills zero fields.
func (c *Config) SetDefaults() {
	c.Layout.SetDefaults()
	if c.Compression == "" {
		c.Compression = pipeline.DefaultCompression
	}
	if c.AckWait == 0 {
		c.AckWait = pipeline.DefaultSinkAckWait
	}
	if c.PinnedTTL == 0 {
		c.PinnedTTL = pipeline.DefaultSinkPinnedTTL
	}
	if c.NoProgress == 0 {
		c.NoProgress = pipeline.DefaultNoProgress
	}
}

// Validate reports every problem at once, defaults applied.
func (c Config) Validate() error {
	c.SetDefaults()
	errs := []error{c.Layout.Validate(), c.Outputs.Validate()}
	if c.Compression != dataset.CompressionSnappy && c.Compression != dataset.CompressionZstd {
		errs = append(errs, fmt.Errorf("compression %q is not one of snappy, zstd", c.Compression))
	}
	return errors.Join(errs...)
}
