package main

import (
	"context"
	"flag"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/pipeline/classifier"
	"github.com/synthdesk/synthdesk/pkg/service"
)

type config struct {
	Common service.Common
}

// loadConfig reads flags over environment defaults and validates them all.
func loadConfig(args []string, env service.Env) (config, error) {
	var c config
	fs := flag.NewFlagSet("classifier", flag.ContinueOnError)
	c.Common.Bind(fs, env)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Common.Finish()
}

func run(ctx context.Context, c config, log zerolog.Logger) error {
	return service.Run(ctx, c.Common, log, nil, classifier.Config{})
}
