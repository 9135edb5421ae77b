package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/synthdesk/synthdesk/pkg/bus"
)

// cmdAdmin dispatches the operator's subcommands.
func cmdAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "topology" {
		fmt.Fprintln(stderr, "Usage: synthdesk admin topology [--apply] [--replicas N] [cluster flags]")
		return fmt.Errorf("%w: the admin subcommand is topology", errUsage)
	}
	return cmdAdminTopology(ctx, args[1:], stdin, stdout, stderr)
}

// cmdAdminTopology prints how the cluster's streams and job store differ
// from the wanted topology and, with --apply, changes them to match. It is
// the only command that changes existing streams: services create missing
// ones and leave the rest, clients only bind.
func cmdAdminTopology(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin topology", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clusterFlags
	cf.bind(fs)
	apply := fs.Bool("apply", false, "create missing streams and change existing ones to the wanted settings")
	replicas := fs.Int("replicas", 0, "wanted replicas of every stream and the job store (default: --stream-replicas)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cf.common.Finish(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *replicas == 0 {
		*replicas = cf.common.StreamReplicas
	}
	if *replicas < 1 || *replicas > 5 {
		return fmt.Errorf("%w: --replicas must be from 1 to 5, got %d", errUsage, *replicas)
	}
	cfg := cf.common.NATS
	cfg.Name = "synthdesk-admin"
	conn, err := bus.Connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	want := bus.Topology{Replicas: *replicas}
	changes, err := conn.Drift(ctx, want)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		fmt.Fprintln(stdout, ch)
	}
	switch {
	case len(changes) == 0:
		fmt.Fprintf(stdout, "topology matches: %d replicas, nothing to change\n", *replicas)
	case !*apply:
		fmt.Fprintf(stdout, "%d differences; run again with --apply to change them\n", len(changes))
	default:
		if _, err := conn.ApplyTopology(ctx, want); err != nil {
			return fmt.Errorf("%w; the settings listed above were not all changed", err)
		}
		fmt.Fprintf(stdout, "applied %d changes\n", len(changes))
	}
	return nil
}
