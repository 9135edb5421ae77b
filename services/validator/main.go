// Command validator is the validator service: it is the quality gate. It
// checks records, admits them under exact quotas and asks for the
// regeneration of rejected slots.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, err := loadConfig(os.Args[1:], os.LookupEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(2)
	}
	log, err := telemetry.NewLogger(os.Stdout, "validator", cfg.Common.LogLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(2)
	}
	if err := run(ctx, cfg, log); err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(1)
	}
}
