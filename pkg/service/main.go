package service

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// Main is the body of every service's main: a context cancelled by SIGINT
// or SIGTERM, the configuration loaded from flags and environment and
// validated once, a JSON logger at the configured level, then run. It
// returns the exit code: 2 for a configuration error, 1 when run fails;
// either way one line on stderr says why.
func Main[C any](name string, load func([]string, Env) (C, error), level func(C) string, run func(context.Context, C, zerolog.Logger) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, err := load(os.Args[1:], os.LookupEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		return 2
	}
	log, err := telemetry.NewLogger(os.Stdout, name, level(cfg))
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		return 2
	}
	if err := run(ctx, cfg, log); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		return 1
	}
	return 0
}
