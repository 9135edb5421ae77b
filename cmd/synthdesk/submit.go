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

func (c *clusterFlags) bind(fs *flag.FlagSet) {
	all := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	c.common.Bind(all, os.LookupEnv)
	all.VisitAll(func(f *flag.Flag) {
		if clientFlags[f.Name] {
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
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

// cmdSubmit sends a request to a cluster's intake and prints the job id;
// with --wait it follows the job and prints its summary.
func cmdSubmit(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rf := requestFlags{remote: true}
	rf.bind(fs, true)
	var cf clusterFlags
	cf.bind(fs)
	wait := fs.Bool("wait", false, "follow the job until it finishes and print its summary")
	fs.DurationVar(&cf.startWait, "start-wait", 30*time.Second, "how long to wait for starting services to create the streams (0: fail at once)")
	cf.stderr = stderr
	if err := parseFlags(fs, args); err != nil {
		return err
	}
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
	if !*wait {
		return nil
	}
	p, err := follow(ctx, jobs, reply.JobID, stderr)
	if err != nil {
		return err
	}
	return summarize(stdout, p, time.Since(start), req.Output)
}

// parseJobArgs parses the flags of a command that takes one job id and
// returns the id.
func parseJobArgs(fs *flag.FlagSet, args []string) (string, error) {
	if err := parseFlags(fs, args); err != nil {
		return "", err
	}
	if fs.NArg() != 1 {
		return "", fmt.Errorf("%w: give exactly one job id", errUsage)
	}
	return fs.Arg(0), nil
}

// cmdStatus prints a job's state and stage counters; --watch follows it.
func cmdStatus(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clusterFlags
	cf.bind(fs)
	watch := fs.Bool("watch", false, "follow the job until it finishes")
	asJSON := fs.Bool("json", false, "print the job state and counters as JSON")
	id, err := parseJobArgs(fs, args)
	if err != nil {
		return err
	}
	conn, jobs, err := cf.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	p, err := pipeline.JobProgress(ctx, jobs, id)
	if err != nil {
		return err
	}
	if *watch {
		if p, err = follow(ctx, jobs, id, stderr); err != nil {
			return err
		}
	}
	if *asJSON {
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
