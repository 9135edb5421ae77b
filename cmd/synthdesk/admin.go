package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/synthdesk/synthdesk/pkg/bus"
)

// adminUsage is admin's usage line, printed when its subcommand is missing.
const adminUsage = "Usage: synthdesk admin topology [--apply] [--replicas N] [cluster flags]"

// newAdminCmd builds the operator's commands; admin itself only says
// which subcommand to give.
func newAdminCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "operate a cluster: topology shows (and with --apply fixes) how its streams differ from the wanted settings",
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintln(c.ErrOrStderr(), adminUsage)
			return fmt.Errorf("%w: the admin subcommand is topology", errUsage)
		},
	}
	cmd.AddCommand(newAdminTopologyCmd())
	return cmd
}

// topologyFlags are admin topology's flags.
type topologyFlags struct {
	cf       clusterFlags
	apply    bool
	replicas int
}

func newAdminTopologyCmd() *cobra.Command {
	var o topologyFlags
	cmd := &cobra.Command{
		Use:   "topology [flags]",
		Args:  noArgs,
		Short: "show (and with --apply fix) how the cluster's streams and job store differ from the wanted settings",
		RunE: func(c *cobra.Command, _ []string) error {
			return cmdAdminTopology(c.Context(), &o, c.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	o.cf.bind(fs)
	fs.BoolVar(&o.apply, "apply", false, "create missing streams and change existing ones to the wanted settings")
	fs.IntVar(&o.replicas, "replicas", 0, "wanted replicas of every stream and the job store (default: --stream-replicas)")
	return cmd
}

// cmdAdminTopology prints how the cluster's streams and job store differ
// from the wanted topology and, with --apply, changes them to match. It is
// the only command that changes existing streams: services create missing
// ones and leave the rest, clients only bind.
func cmdAdminTopology(ctx context.Context, o *topologyFlags, stdout io.Writer) error {
	if err := o.cf.common.Finish(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if o.replicas == 0 {
		o.replicas = o.cf.common.StreamReplicas
	}
	if o.replicas < 1 || o.replicas > 5 {
		return fmt.Errorf("%w: --replicas must be from 1 to 5, got %d", errUsage, o.replicas)
	}
	cfg := o.cf.common.NATS
	cfg.Name = "synthdesk-admin"
	conn, err := bus.Connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	want := bus.Topology{Replicas: o.replicas}
	changes, err := conn.Drift(ctx, want)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		fmt.Fprintln(stdout, ch)
	}
	switch {
	case len(changes) == 0:
		fmt.Fprintf(stdout, "topology matches: %d replicas, nothing to change\n", o.replicas)
	case !o.apply:
		fmt.Fprintf(stdout, "%d differences; run again with --apply to change them\n", len(changes))
	default:
		if _, err := conn.ApplyTopology(ctx, want); err != nil {
			return fmt.Errorf("%w; the settings listed above were not all changed", err)
		}
		fmt.Fprintf(stdout, "applied %d changes\n", len(changes))
	}
	return nil
}
