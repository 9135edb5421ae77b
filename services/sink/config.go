package main

import (
	"context"
	"errors"
	"flag"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/sink"
	"github.com/synthdesk/synthdesk/pkg/service"
	"github.com/synthdesk/synthdesk/pkg/store"
)

type config struct {
	Common service.Common
	Sink   sink.Config
}

// loadConfig reads flags over environment defaults and validates them all.
// S3 credentials come only from the environment or a mounted file.
func loadConfig(args []string, env service.Env) (config, error) {
	var c config
	fs := flag.NewFlagSet("sink", flag.ContinueOnError)
	c.Common.Bind(fs, env)
	layoutErr := service.BindLayout(fs, env, &c.Sink.Layout)
	service.BindOutputs(fs, env, &c.Sink.Outputs)
	fs.StringVar(&c.Sink.Output, "out", service.Str(env, "SYNTHDESK_OUTPUT", ""), "default output: a folder or s3://bucket/prefix [SYNTHDESK_OUTPUT]")
	fs.StringVar(&c.Sink.Compression, "compression", service.Str(env, "SYNTHDESK_COMPRESSION", pipeline.DefaultCompression), "snappy or zstd [SYNTHDESK_COMPRESSION]")
	fs.DurationVar(&c.Sink.AckWait, "ack-wait", pipeline.DefaultSinkAckWait, "how long the records a dead sink held stay hidden from the other replicas (live replicas keep theirs alive)")
	fs.DurationVar(&c.Sink.NoProgress, "no-progress", pipeline.DefaultNoProgress,
		"end a job as failed when none of its stages moved for this long, unless its request sets no_progress_seconds")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	s3, err := store.S3ConfigFromEnv(env)
	c.Sink.S3 = s3
	return c, errors.Join(layoutErr, c.Common.Finish(), err)
}

func run(ctx context.Context, c config, log zerolog.Logger) error {
	return service.Run(ctx, c.Common, log, nil, c.Sink)
}
