package main

import (
	"context"
	"errors"
	"flag"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/service"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

type config struct {
	Common   service.Common
	LLM      service.LLMFlags
	Pipeline pipeline.Config
}

// loadConfig reads flags over environment defaults and validates them all.
func loadConfig(args []string, env service.Env) (config, error) {
	var c config
	fs := flag.NewFlagSet("generator", flag.ContinueOnError)
	c.Common.Bind(fs, env)
	c.LLM.Bind(fs, env)
	service.BindLayout(fs, env, &c.Pipeline)
	service.BindOutputs(fs, env, &c.Pipeline.Outputs)
	fs.IntVar(&c.Pipeline.MaxSamples, "max-samples", service.Int(env, "SYNTHDESK_MAX_SAMPLES", 10_000_000), "largest request accepted [SYNTHDESK_MAX_SAMPLES]")
	fs.IntVar(&c.Pipeline.TaskSize, "task-size", service.Int(env, "SYNTHDESK_TASK_SIZE", 32), "slots per generator task [SYNTHDESK_TASK_SIZE]")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, errors.Join(c.Common.Finish(), c.LLM.Finish())
}

func run(ctx context.Context, c config, log zerolog.Logger) error {
	c.Pipeline.Metrics = telemetry.NewMetrics()
	c.LLM.Config.Metrics = c.Pipeline.Metrics
	llms, err := c.LLM.Build()
	if err != nil {
		return err
	}
	c.Pipeline.LLM = llms
	return service.Run(ctx, "generator", c.Common, log, c.Pipeline, pipeline.RunGenerator)
}
