// Command classifier is the classifier service: it labels conversations with the rule-based classifier and adds seeded noise.
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
	fs := flag.NewFlagSet("classifier", flag.ExitOnError)
	c.Bind(fs, os.LookupEnv)
	_ = fs.Parse(os.Args[1:])
	if err := c.Finish(); err != nil {
		fmt.Fprintln(os.Stderr, "classifier:", err)
		os.Exit(2)
	}
	log, err := telemetry.NewLogger(os.Stdout, "classifier", c.LogLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "classifier:", err)
		os.Exit(2)
	}
	if err := service.Run(ctx, "classifier", c, log, pipeline.Config{}, pipeline.RunClassifier); err != nil {
		fmt.Fprintln(os.Stderr, "classifier:", err)
		os.Exit(1)
	}
}
