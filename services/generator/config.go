package main

import (
	"context"
	"errors"
	"flag"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/service"
	"github.com/synthdesk/synthdesk/pkg/service/outputs"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

type config struct {
	Common    service.Common
	LLM       generator.LLMFlags
	Generator generator.Config
}

// loadConfig reads flags over environment defaults and validates them all.
func loadConfig(args []string, env service.Env) (config, error) {
	var c config
	fs := flag.NewFlagSet("generator", flag.ContinueOnError)
	c.Common.Bind(fs, env)
	c.LLM.Bind(fs, env)
	service.BindLayout(fs, env, &c.Generator.Layout)
	outputs.Bind(fs, env, &c.Generator.Outputs)
	fs.IntVar(&c.Generator.MaxSamples, "max-samples", service.Int(env, "SYNTHDESK_MAX_SAMPLES", pipeline.DefaultMaxSamples), "largest request accepted [SYNTHDESK_MAX_SAMPLES]")
	fs.IntVar(&c.Generator.TaskSize, "task-size", service.Int(env, "SYNTHDESK_TASK_SIZE", pipeline.DefaultTaskSize), "slots per generator task [SYNTHDESK_TASK_SIZE]")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, errors.Join(c.Common.Finish(), c.LLM.Finish())
}

func run(ctx context.Context, c config, log zerolog.Logger) error {
	met := telemetry.NewMetrics()
	c.LLM.Config.Metrics = met
	llms, err := c.LLM.Build()
	if err != nil {
		return err
	}
	c.Generator.LLM = llms
	return service.Run(ctx, c.Common, log, met, c.Generator)
}
