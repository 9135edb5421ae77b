package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// Deps is what every stage gets from the process that runs it; each
// stage's own settings are in its package's Config.
type Deps struct {
	Conn     *bus.Conn
	Log      zerolog.Logger
	Metrics  *telemetry.Metrics
	Taxonomy *taxonomy.Taxonomy
	// Replica names this process in counters (hostname or pod name).
	Replica string
	// Concurrency is the number of handler goroutines per stage.
	Concurrency int
}

// SetDefaults fills zero fields.
func (d *Deps) SetDefaults() {
	if d.Concurrency == 0 {
		d.Concurrency = DefaultConcurrency
	}
	if d.Replica == "" {
		d.Replica = DefaultReplica
	}
	if d.Metrics == nil {
		d.Metrics = telemetry.NewMetrics()
	}
}

// Validate reports every problem at once.
func (d *Deps) Validate() error {
	var errs []error
	if d.Conn == nil {
		errs = append(errs, errors.New("pipeline: no bus connection"))
	}
	if d.Taxonomy == nil {
		errs = append(errs, errors.New("pipeline: no taxonomy"))
	}
	if d.Concurrency < 1 || d.Concurrency > 1024 {
		errs = append(errs, fmt.Errorf("concurrency must be from 1 to 1024, got %d", d.Concurrency))
	}
	return errors.Join(errs...)
}

// Layout is how a job's accepted records are cut into parts. The generator
// fixes it on every job it starts and the sink consumes by it, so both
// must run with the same values.
type Layout struct {
	// BatchRows is the number of records per Parquet part.
	BatchRows int
	// Partitions is the number of sink partitions (parallel writers).
	Partitions int
}

// SetDefaults fills zero fields.
func (l *Layout) SetDefaults() {
	if l.BatchRows == 0 {
		l.BatchRows = DefaultBatchRows
	}
	if l.Partitions == 0 {
		l.Partitions = DefaultPartitions
	}
}

// Validate reports every problem at once.
func (l Layout) Validate() error {
	var errs []error
	if l.BatchRows < 1 || l.BatchRows > 100_000 {
		errs = append(errs, fmt.Errorf("batch rows must be from 1 to 100000, got %d", l.BatchRows))
	}
	if l.Partitions < 1 || l.Partitions > 64 {
		errs = append(errs, fmt.Errorf("sink partitions must be from 1 to 64, got %d", l.Partitions))
	}
	return errors.Join(errs...)
}

// Stage is one stage's adapter with its settings: each stage package's
// Config is one. Validate checks the settings once defaults are applied;
// Run consumes until ctx ends. Assemble calls Run only once Validate and
// Deps.Validate passed, so Run applies defaults and checks nothing again.
type Stage interface {
	Name() string
	Validate() error
	Run(ctx context.Context, d Deps) error
}

// Connector opens a new bus connection for a stage, with the topology
// ensured.
type Connector func(ctx context.Context, stage string) (*bus.Conn, error)

// Assemble validates d and every stage, then runs the stages in this
// process until ctx ends: a service runs one, `synthdesk run` all four,
// with the same code. When connect is set every stage gets its own
// connection, as separate services have: a connection is one ordered
// stream of publishes and acks, and one shared by all stages makes each
// stage wait behind the others' traffic. The first stage to fail stops
// the others.
func Assemble(ctx context.Context, d Deps, connect Connector, stages ...Stage) error {
	d.SetDefaults()
	errs := []error{d.Validate()}
	for _, st := range stages {
		errs = append(errs, st.Validate())
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs = make([]error, len(stages))
	var wg sync.WaitGroup
	for i, st := range stages {
		sd := d
		if connect != nil {
			conn, err := connect(ctx, st.Name())
			if err != nil {
				if ctx.Err() == nil { // not merely stopped while starting
					errs[i] = err
				}
				cancel()
				break
			}
			defer conn.Close()
			sd.Conn = conn
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.Run(ctx, sd); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
