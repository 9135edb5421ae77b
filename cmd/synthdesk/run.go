package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/embedded"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/llm/judge"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/classifier"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/pipeline/sink"
	"github.com/synthdesk/synthdesk/pkg/pipeline/validator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/service"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// memoryLimit is the soft memory limit of a run in bytes: mib MiB, or for
// -1 a fixed part (the bus, the stages' windows, Parquet encoding, the
// collector's headroom) and the validator's admission state: 8 bytes per
// sample and about 117 per record its duplicate index keeps, at most
// twice the dedup window, every accepted record with a window of -1
// (docs/architecture.md, Memory). Without a limit the collector lets the
// heap reach twice what is live.
func memoryLimit(mib int64, samples, dedupWindow int) int64 {
	if mib > 0 {
		return mib << 20
	}
	if samples <= 0 {
		samples = record.DefaultSamples
	}
	if dedupWindow == 0 {
		dedupWindow = record.DefaultDedupWindow
	}
	kept := samples
	if dedupWindow > 0 {
		kept = min(samples, 2*dedupWindow)
	}
	return 180<<20 + 8*int64(samples) + 117*int64(kept)
}

// runFlags are run's flags: the request, the embedded generator's and
// judge's settings and the output layout (bound by pkg/service, as the
// services bind them), the evaluation, and the run's own.
type runFlags struct {
	rf                               requestFlags
	llmf                             generator.LLMFlags
	judgef                           validator.JudgeFlags
	layout                           pipeline.Layout
	concurrency                      int
	compression                      string
	ef                               evalFlags
	logLevel, cpuProfile, memProfile string
	stateDir, resume, pprofAddr      string
	memLimit                         int64
	noProgress                       time.Duration
}

func newRunCmd() *cobra.Command {
	var o runFlags
	cmd := &cobra.Command{
		Use:   "run --out DIR|s3://bucket/prefix [flags]",
		Short: "run a job on this machine: embedded NATS, all four stages, local or S3 output",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return cmdRun(c.Context(), &o, c.Flags(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	o.bind(cmd.Flags())
	return cmd
}

func (o *runFlags) bind(fs *pflag.FlagSet) {
	o.rf.bind(fs, false)
	// The generator's settings read the same environment as the service
	// (OPENAI_API_KEY, SYNTHDESK_LLM_*), so keys never go on a command line.
	services := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	o.llmf.Bind(services, os.LookupEnv)
	o.judgef.Bind(services, os.LookupEnv)
	_ = service.BindLayout(services, noEnv, &o.layout) // no environment: no error
	addGoFlags(fs, services)
	fs.IntVar(&o.concurrency, "concurrency", pipeline.DefaultConcurrency, "handler goroutines per stage")
	fs.StringVar(&o.compression, "compression", pipeline.DefaultCompression, "Parquet compression: snappy or zstd")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log level of the stages (logs go to stderr)")
	fs.Int64Var(&o.memLimit, "mem-limit-mib", -1, "soft memory limit of the process in MiB: -1 sizes it for the job (180 MiB, 8 bytes per sample and 117 per duplicate-index entry it will keep), 0 sets none; GOMEMLIMIT wins when set")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile, taken when the job ends, to this file")
	fs.StringVar(&o.stateDir, "state-dir", "", "keep the embedded server's store (job state, ledger, records in flight) in this folder, so an interrupted run can be resumed with --resume (default: a temporary folder removed at exit)")
	fs.StringVar(&o.resume, "resume", "", "continue the interrupted job with this id from --state-dir instead of starting a new one; accepted rows and written parts are kept")
	fs.DurationVar(&o.noProgress, "no-progress", 0, "end the job as failed when no stage moved for this long (default 10m)")
	fs.StringVar(&o.pprofAddr, "pprof", "", "serve Go's profiling endpoints (/debug/pprof/) on this address during the run, e.g. 127.0.0.1:6060")
	o.ef.bind(fs, "eval-") // --eval-real evaluates the job when it ends (docs/eval.md)
}

// noArgs accepts no positional argument.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, args[0])
	}
	return nil
}

// cmdRun runs one job on this machine: an in-process NATS server with
// JetStream in a temporary folder (or --state-dir), the four stages, and
// the request, or with --resume the interrupted job kept in --state-dir.
// It exits once the job has ended, with the code of its final status (see
// dispatch), or 130 when interrupted.
func cmdRun(ctx context.Context, o *runFlags, fs *pflag.FlagSet, stdout, stderr io.Writer) error {
	rf, llmf, judgef, ef, layout := &o.rf, &o.llmf, &o.judgef, &o.ef, o.layout
	logLevel, memLimit, cpuProfile, memProfile := &o.logLevel, &o.memLimit, &o.cpuProfile, &o.memProfile
	stateDir, resume, noProgress, pprofAddr := &o.stateDir, &o.resume, &o.noProgress, &o.pprofAddr
	// run's --llm/--model/--llm-url configure the embedded generator; the
	// request inherits them unless --request says otherwise.
	req, err := rf.build(fs)
	if err != nil {
		return err
	}
	if *resume != "" && *stateDir == "" {
		return fmt.Errorf("%w: --resume needs --state-dir, the folder the interrupted run kept its state in", errUsage)
	}
	if req.Output == "" && *resume == "" {
		return fmt.Errorf("%w: --out is required (a folder or s3://bucket/prefix)", errUsage)
	}
	if *noProgress > 0 {
		req.NoProgressSeconds = int(max(noProgress.Seconds(), 1))
	}
	realSample, err := ef.prepareRun(&req)
	if err != nil {
		return err
	}
	if req.Taxonomy != "" {
		// A local run loads the taxonomy into every stage directly.
		req.Taxonomy = ""
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	if *pprofAddr != "" {
		ln, err := net.Listen("tcp", *pprofAddr)
		if err != nil {
			return fmt.Errorf("--pprof: %w", err)
		}
		defer ln.Close()
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", httppprof.Index)
		mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
		go func() { _ = http.Serve(ln, mux) }()
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && *memLimit != 0 {
		debug.SetMemoryLimit(memoryLimit(*memLimit, req.Samples, req.Quality.DedupWindow))
	}
	log, err := telemetry.NewLogger(stderr, "synthdesk", *logLevel)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	tax, err := taxonomy.Load(service.SplitList(rf.taxonomy)...)
	if err != nil {
		return err
	}
	met := telemetry.NewMetrics()
	llmf.Config.Metrics = met
	if err := llmf.Finish(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	llms, err := llmf.Build()
	if err != nil {
		return err
	}
	scorer, err := judgef.Build()
	if err != nil {
		return err
	}
	s3, err := store.S3ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	if req.Output != "" {
		if err := checkOutput(ctx, req.Output, s3); err != nil {
			return err
		}
	}
	dir, release, err := openStore(*stateDir)
	if err != nil {
		return err
	}
	defer release()
	srv, err := embedded.Start(embedded.Config{StoreDir: dir})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	conn, err := bus.Connect(ctx, bus.Config{Name: "synthdesk-run", InProcess: srv})
	if err != nil {
		return err
	}
	defer conn.Close()
	// A temporary server lives and dies with this process: records passing
	// through are kept in memory (see bus.Topology). A kept store keeps
	// them on disk too, so a resumed run finds them.
	topology := bus.Topology{Replicas: 1, PassThroughInMemory: *stateDir == ""}
	if err := conn.Ensure(ctx, topology); err != nil {
		return err
	}
	if *resume != "" {
		if req, err = resumable(ctx, conn, *resume, *stateDir); err != nil {
			return err
		}
	}
	cfg := localRun{
		Deps:   pipeline.Deps{Conn: conn, Log: log, Metrics: met, Taxonomy: tax, Concurrency: o.concurrency},
		Output: req.Output, S3: s3,
		Stages: localStages(llms, scorer, layout, sink.Config{Layout: layout, Output: req.Output, S3: s3, Compression: o.compression}),
	}
	if err := cfg.validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	connect := func(ctx context.Context, stage string) (*bus.Conn, error) {
		c, err := bus.Connect(ctx, bus.Config{Name: "synthdesk-" + stage, InProcess: srv})
		if err != nil {
			return nil, err
		}
		return c, c.Ensure(ctx, topology)
	}
	err = runJob(ctx, cfg, connect, req, runState{resume: *resume, stateDir: *stateDir}, stdout, stderr)
	err = ef.afterRun(ctx, cfg, cmp.Or(*resume, req.JobID), realSample, err, stdout)
	if *memProfile != "" {
		f, ferr := os.Create(*memProfile)
		if ferr != nil {
			return errors.Join(err, ferr)
		}
		defer f.Close()
		if perr := pprof.WriteHeapProfile(f); perr != nil {
			return errors.Join(err, perr)
		}
	}
	return err
}

// maxLocalSamples is the largest job `synthdesk run` takes: the machine's
// own, so only memory bounds it (see memoryLimit).
const maxLocalSamples = 100_000_000

// localRun is a job run on this machine: the dependencies the stages
// share, the four stages, and the job's output.
type localRun struct {
	pipeline.Deps
	Stages []pipeline.Stage
	Output string
	S3     store.S3Config
}

// localStages are the four stages of a job run here; sk's layout must be
// layout.
func localStages(llms *generator.LLMSet, j *judge.Judge, layout pipeline.Layout, sk sink.Config) []pipeline.Stage {
	return []pipeline.Stage{
		generator.Config{LLM: llms, MaxSamples: maxLocalSamples, Layout: layout},
		classifier.Config{},
		validator.Config{Judge: j},
		sk,
	}
}

// validate reports every problem of the settings at once.
func (r *localRun) validate() error {
	errs := []error{r.Deps.Validate()}
	for _, st := range r.Stages {
		errs = append(errs, st.Validate())
	}
	return errors.Join(errs...)
}

// runState says where a run keeps its state and which job it resumes.
type runState struct {
	resume, stateDir string
}

// runJob runs the stages, submits req (or resumes rs.resume) and follows
// the job to its end.
func runJob(ctx context.Context, cfg localRun, connect pipeline.Connector, req record.Request, rs runState, stdout, stderr io.Writer) error {
	start := time.Now()
	sctx, stop := context.WithCancel(ctx)
	stages := make(chan error, 1)
	go func() { stages <- pipeline.Assemble(sctx, cfg.Deps, connect, cfg.Stages...) }()
	defer func() {
		stop()
		if err := <-stages; err != nil {
			cfg.Log.Error().Err(err).Msg("stages stopped with an error")
		}
	}()
	jobs, _ := cfg.Conn.Jobs()
	var reply record.IntakeReply
	if rs.resume != "" {
		reply = record.IntakeReply{JobID: rs.resume, Samples: req.Samples}
		fmt.Fprintf(stderr, "job %s: resuming from %s\n", rs.resume, rs.stateDir)
	} else {
		var err error
		if reply, err = pipeline.Submit(ctx, cfg.Conn, mustMarshal(req)); err != nil {
			// A stage that failed at start leaves no intake to answer: its
			// error is the cause.
			return cmp.Or(stageError(stages), err)
		}
		fmt.Fprintf(stderr, "job %s: %d conversations, seed %d\n", reply.JobID, reply.Samples, reply.Seed)
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		// A stage that fails stops the job: stop following it.
		select {
		case err := <-stages:
			stages <- err
			cancel()
		case <-fctx.Done():
		}
	}()
	p, err := follow(fctx, jobs, reply.JobID, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(jobs, reply.JobID, rs.stateDir, stderr)
		}
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("the stages stopped before the job finished: %w", cmp.Or(stageError(stages), errors.New("see the log above")))
		}
		return err
	}
	location := cfg.Output
	if st, err := store.Open(ctx, cfg.Output, cfg.S3); err == nil {
		location = st.URL(dataset.JobDir(reply.JobID))
	}
	return summarize(stdout, p, time.Since(start), location)
}

// stageError waits a little for the stages to stop and returns their
// error, leaving it in the channel for the deferred wait; nil when they
// are still running.
func stageError(stages chan error) error {
	select {
	case err := <-stages:
		stages <- err
		return err
	case <-time.After(5 * time.Second):
		return nil
	}
}

// checkOutput opens the output and checks it is writable, so a wrong
// path, bucket or credential ends the run at once with the store's
// reason instead of after the stages started.
func checkOutput(ctx context.Context, output string, s3 store.S3Config) error {
	st, err := store.Open(ctx, output, s3)
	if err != nil {
		return fmt.Errorf("%w: --out: %v", errUsage, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := st.Check(cctx); err != nil {
		return fmt.Errorf("output %s: %w", output, err)
	}
	return nil
}

func noEnv(string) (string, bool) { return "", false }

// resumable reads the job to resume from the kept store and prepares the
// store for it: the work-queue consumers are reset so the records left in
// flight are delivered again at once (see bus.Conn.ResetWorkConsumers).
func resumable(ctx context.Context, conn *bus.Conn, id, stateDir string) (record.Request, error) {
	jobs, err := conn.Jobs()
	if err != nil {
		return record.Request{}, err
	}
	job, err := jobs.Get(ctx, id)
	if errors.Is(err, bus.ErrJobNotFound) {
		return record.Request{}, fmt.Errorf("%w: job %s is not in --state-dir %s; give the folder and job id the interrupted run printed", errUsage, id, stateDir)
	}
	if err != nil {
		return record.Request{}, err
	}
	if err := conn.ResetWorkConsumers(ctx); err != nil {
		return record.Request{}, err
	}
	return job.Request, nil
}

// interrupted reports what an interrupted run leaves and how to go on.
func interrupted(jobs *bus.Jobs, id, stateDir string, w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var accepted, written, parts int64
	var samples int
	if p, err := pipeline.JobProgress(ctx, jobs, id); err == nil {
		samples, accepted = p.Job.Request.Samples, p.Stages[pipeline.StageValidator][pipeline.CounterAccepted]
		if p.Job.Sealed {
			accepted = p.Job.Accepted
		}
	}
	if raw, err := jobs.List(ctx, bus.Key(id, "part", "*")); err == nil {
		for _, b := range raw {
			var f dataset.File
			if json.Unmarshal(b, &f) == nil {
				written += f.Rows
				parts++
			}
		}
	}
	fmt.Fprintf(w, "interrupted: job %s has %d of %d rows accepted and %d written in %d parts; %d rows are left.\n",
		id, accepted, samples, written, parts, int64(samples)-written)
	msg := fmt.Sprintf("job %s interrupted before it ended", id)
	if stateDir == "" {
		fmt.Fprintln(w, "This run kept no state, so the job cannot be resumed; to make a run resumable, start it with --state-dir DIR.")
		return &endedError{code: exitInterrupted, msg: msg}
	}
	fmt.Fprintf(w, "resume it with:\n  synthdesk run --resume %s --state-dir %s\n", id, shellQuote(stateDir))
	return &endedError{code: exitInterrupted, msg: msg}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
