package main

import (
	"context"
	"errors"
	"flag"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/service"
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
	envErrs := []error{
		service.BindLayout(fs, env, &c.Generator.Layout),
		service.IntVar(fs, &c.Generator.MaxSamples, "max-samples", env, "SYNTHDESK_MAX_SAMPLES", pipeline.DefaultMaxSamples, "largest request accepted [SYNTHDESK_MAX_SAMPLES]"),
		service.IntVar(fs, &c.Generator.TaskSize, "task-size", env, "SYNTHDESK_TASK_SIZE", pipeline.DefaultTaskSize, "slots per generator task [SYNTHDESK_TASK_SIZE]"),
	}
	service.BindOutputs(fs, env, &c.Generator.Outputs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, errors.Join(append(envErrs, c.Common.Finish(), c.LLM.Finish())...)
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
