// Command validator is the validator service: it is the quality gate: it checks records, admits them under exact quotas and asks for regeneration of rejected slots.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/service"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var c service.Common
	fs := flag.NewFlagSet("validator", flag.ExitOnError)
	c.Bind(fs, os.LookupEnv)
	_ = fs.Parse(os.Args[1:])
	if err := c.Finish(); err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(2)
	}
	log, err := telemetry.NewLogger(os.Stdout, "validator", c.LogLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(2)
	}
	if err := service.Run(ctx, "validator", c, log, pipeline.Config{}, pipeline.RunValidator); err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(1)
	}
}
