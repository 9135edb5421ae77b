package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/service"
)

// clusterFlags are the NATS settings of the commands that talk to a
// cluster; their defaults come from the services' environment variables.
type clusterFlags struct {
	common service.Common
	// startWait is how long submit waits for the services to create the
	// streams of a cluster that is still starting; other clients fail at
	// once on a server without them.
	startWait time.Duration
	stderr    io.Writer
}

// clientFlags are the services' common flags a client uses: how to reach
// NATS and the stream replicas the topology is checked with. The others
// (--taxonomy among them) configure a service; a client's request flags
// may bind the same names with their own meaning.
var clientFlags = map[string]bool{
	"nats": true, "nats-user": true, "nats-password-file": true, "nats-nkey-file": true,
	"nats-tls-ca": true, "nats-tls-cert": true, "nats-tls-key": true, "stream-replicas": true,
}

// bind adds the client flags, bound by the services' own binder, to fs.
func (c *clusterFlags) bind(fs *pflag.FlagSet) {
	all := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	c.common.Bind(all, os.LookupEnv)
	client := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	all.VisitAll(func(f *flag.Flag) {
		if clientFlags[f.Name] {
			client.Var(f.Value, f.Name, f.Usage)
		}
	})
	addGoFlags(fs, client)
	c.common.Concurrency = 1 // Finish validates it; a client has no handlers
}

func (c *clusterFlags) connect(ctx context.Context) (*bus.Conn, *bus.Jobs, error) {
	if err := c.common.Finish(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg := c.common.NATS
	cfg.Name = "synthdesk-cli"
	conn, err := bus.Connect(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	// A client binds to what the services created and never changes it.
	if err := c.bindTopology(ctx, conn); err != nil {
		conn.Close()
		return nil, nil, err
	}
	jobs, _ := conn.Jobs()
	return conn, jobs, nil
}

// bindTopology binds conn to the topology, waiting up to startWait for services
// that are still creating it.
func (c *clusterFlags) bindTopology(ctx context.Context, conn *bus.Conn) error {
	deadline := time.Now().Add(c.startWait)
	said := false
	for {
		err := conn.Bind(ctx)
		if !errors.Is(err, bus.ErrNoTopology) || time.Now().After(deadline) {
			return err
		}
		if !said && c.stderr != nil {
			fmt.Fprintf(c.stderr, "waiting up to %s for the services to create the streams (--start-wait)\n", c.startWait)
			said = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// submitFlags are submit's flags: the request, the cluster, and whether
// to follow the job.
type submitFlags struct {
	rf   requestFlags
	cf   clusterFlags
	wait bool
}

func newSubmitCmd() *cobra.Command {
	var o submitFlags
	cmd := &cobra.Command{
		Use:   "submit [flags]",
		Args:  noArgs,
		Short: "send a generation request to a cluster and print the job id (--wait follows it)",
		RunE: func(c *cobra.Command, _ []string) error {
			return cmdSubmit(c.Context(), &o, c.Flags(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	o.rf.remote = true
	o.rf.bind(fs, true)
	o.cf.bind(fs)
	fs.BoolVar(&o.wait, "wait", false, "follow the job until it finishes and print its summary")
	fs.DurationVar(&o.cf.startWait, "start-wait", 30*time.Second, "how long to wait for starting services to create the streams (0: fail at once)")
	return cmd
}

// cmdSubmit sends a request to a cluster's intake and prints the job id;
// with --wait it follows the job and prints its summary.
func cmdSubmit(ctx context.Context, o *submitFlags, fs *pflag.FlagSet, stdout, stderr io.Writer) error {
	rf, cf := &o.rf, &o.cf
	cf.stderr = stderr
	req, err := rf.build(fs)
	if err != nil {
		return err
	}
	conn, jobs, err := cf.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	start := time.Now()
	reply, err := pipeline.Submit(ctx, conn, mustMarshal(req))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, reply.JobID)
	if !o.wait {
		return nil
	}
	p, err := follow(ctx, jobs, reply.JobID, stderr)
	if err != nil {
		return err
	}
	return summarize(stdout, p, time.Since(start), req.Output)
}

// oneJobID accepts the one positional argument of a command that takes a
// job id.
func oneJobID(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: give exactly one job id", errUsage)
	}
	return nil
}

// statusFlags are status's flags.
type statusFlags struct {
	cf            clusterFlags
	watch, asJSON bool
}

func newStatusCmd() *cobra.Command {
	var o statusFlags
	cmd := &cobra.Command{
		Use:   "status [flags] JOB_ID",
		Short: "show a job's progress on a cluster (--watch follows it)",
		Args:  oneJobID,
		RunE: func(c *cobra.Command, args []string) error {
			return cmdStatus(c.Context(), &o, args[0], c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	o.cf.bind(fs)
	fs.BoolVar(&o.watch, "watch", false, "follow the job until it finishes")
	fs.BoolVar(&o.asJSON, "json", false, "print the job state and counters as JSON")
	return cmd
}

// cmdStatus prints a job's state and stage counters; --watch follows it.
func cmdStatus(ctx context.Context, o *statusFlags, id string, stdout, stderr io.Writer) error {
	cf := &o.cf
	conn, jobs, err := cf.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	p, err := pipeline.JobProgress(ctx, jobs, id)
	if err != nil {
		return err
	}
	if o.watch {
		if p, err = follow(ctx, jobs, id, stderr); err != nil {
			return err
		}
	}
	if o.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	fmt.Fprintln(stdout, progressLine(p, time.Since(p.Job.CreatedAt)))
	if p.Job.Status == "running" {
		fmt.Fprintf(stdout, "job %s: running since %s\n", id, p.Job.CreatedAt.Format(time.RFC3339))
		return nil
	}
	elapsed := p.Job.FinishedAt.Sub(p.Job.CreatedAt)
	return summarize(stdout, p, elapsed, p.Job.Request.Output)
}
