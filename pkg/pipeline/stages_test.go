package pipeline_test

import (
	"context"

	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/llm/judge"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/classifier"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/pipeline/sink"
	"github.com/synthdesk/synthdesk/pkg/pipeline/validator"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/location"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// testConfig is every setting these tests vary, for all four stages at
// once; its methods split it into the shared Deps and each stage's Config.
type testConfig struct {
	Conn     *bus.Conn
	Log      zerolog.Logger
	Metrics  *telemetry.Metrics
	Taxonomy *taxonomy.Taxonomy
	Replica  string
	// Concurrency is each stage's handler goroutines.
	Concurrency int

	LLM          *generator.LLMSet
	MaxSamples   int
	TaskSize     int
	IntakeChunk  int
	Partitions   int
	IntakeResume time.Duration
	Judge        *judge.Judge

	BatchRows     int
	Output        string
	S3            store.S3Config
	Outputs       location.Policy
	SinkAckWait   time.Duration
	SinkPinnedTTL time.Duration
	NoProgress    time.Duration
	// Fault is given to the generator's intake and to the sink.
	Fault func(point string) error
}

func (c testConfig) deps() pipeline.Deps {
	return pipeline.Deps{Conn: c.Conn, Log: c.Log, Metrics: c.Metrics, Taxonomy: c.Taxonomy, Replica: c.Replica, Concurrency: c.Concurrency}
}

func (c testConfig) generator() generator.Config {
	return generator.Config{LLM: c.LLM, MaxSamples: c.MaxSamples, TaskSize: c.TaskSize, IntakeChunk: c.IntakeChunk, IntakeResume: c.IntakeResume,
		Layout: pipeline.Layout{BatchRows: c.BatchRows, Partitions: c.Partitions}, Outputs: c.Outputs, Fault: c.Fault}
}

func (c testConfig) sink() sink.Config {
	return sink.Config{Layout: pipeline.Layout{BatchRows: c.BatchRows, Partitions: c.Partitions}, Output: c.Output, S3: c.S3, Outputs: c.Outputs,
		AckWait: c.SinkAckWait, PinnedTTL: c.SinkPinnedTTL, NoProgress: c.NoProgress, Fault: c.Fault}
}

func (c testConfig) stages() []pipeline.Stage {
	return []pipeline.Stage{c.generator(), classifier.Config{}, validator.Config{Judge: c.Judge}, c.sink()}
}

// runAll runs the four stages as `synthdesk run` does.
func runAll(ctx context.Context, c testConfig, connect pipeline.Connector) error {
	return pipeline.Assemble(ctx, c.deps(), connect, c.stages()...)
}

// The stages one at a time, as the services run them.
func runGenerator(ctx context.Context, c testConfig) error {
	return pipeline.Assemble(ctx, c.deps(), nil, c.generator())
}

func runClassifier(ctx context.Context, c testConfig) error {
	return pipeline.Assemble(ctx, c.deps(), nil, classifier.Config{})
}

func runValidator(ctx context.Context, c testConfig) error {
	return pipeline.Assemble(ctx, c.deps(), nil, validator.Config{Judge: c.Judge})
}

func runSink(ctx context.Context, c testConfig) error {
	return pipeline.Assemble(ctx, c.deps(), nil, c.sink())
}
