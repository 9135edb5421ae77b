package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// cancelFlags are cancel's flags.
type cancelFlags struct {
	cf   clusterFlags
	wait bool
}

func newCancelCmd() *cobra.Command {
	var o cancelFlags
	cmd := &cobra.Command{
		Use:   "cancel [flags] JOB_ID",
		Short: "cancel a job on a cluster: stages stop, it ends cancelled (--wait follows it)",
		Args:  oneJobID,
		RunE: func(c *cobra.Command, args []string) error {
			return cmdCancel(c.Context(), &o, args[0], c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	o.cf.bind(fs)
	fs.BoolVar(&o.wait, "wait", false, "follow the job until a sink has finished it and print its summary")
	return cmd
}

// cmdCancel asks a cluster to cancel a job (request subject
// synthdesk.v1.cancel): the stages drop its messages and a sink finishes
// it as cancelled, listing the files written so far in its manifest. With
// --wait it follows the job until it has ended.
func cmdCancel(ctx context.Context, o *cancelFlags, id string, stdout, stderr io.Writer) error {
	cf := &o.cf
	conn, jobs, err := cf.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	reply, err := pipeline.Cancel(ctx, conn, id)
	if err != nil {
		return fmt.Errorf("cancel %s: %w", id, err)
	}
	if !reply.Stopping {
		fmt.Fprintf(stdout, "job %s had already ended: %s\n", id, reply.Status)
		return nil
	}
	fmt.Fprintf(stdout, "job %s: cancelling; a sink finishes it as cancelled with the files written so far\n", id)
	if !o.wait {
		return nil
	}
	return followEnded(ctx, jobs, id, stdout, stderr)
}

// followEnded follows a job until it has ended and prints its summary.
func followEnded(ctx context.Context, jobs *bus.Jobs, id string, stdout, stderr io.Writer) error {
	p, err := follow(ctx, jobs, id, stderr)
	if err != nil {
		return err
	}
	return summarize(stdout, p, p.Job.FinishedAt.Sub(p.Job.CreatedAt), p.Job.Request.Output)
}
