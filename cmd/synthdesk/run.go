package main

import (
	"cmp"
	"context"
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
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
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

// cmdRun runs one job on this machine: an in-process NATS server with
// JetStream in a temporary folder, the four stages, and the request. It
// exits once the job is finished: 0 with _SUCCESS written, 3 when it
// ended partial.
func cmdRun(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf requestFlags
	rf.bind(fs, false)
	// The generator's settings read the same environment as the service
	// (OPENAI_API_KEY, SYNTHDESK_LLM_*), so keys never go on a command line.
	var llmf service.LLMFlags
	llmf.Bind(fs, os.LookupEnv)
	var judgef service.JudgeFlags
	judgef.Bind(fs, os.LookupEnv)
	cfg := pipeline.Config{}
	service.BindLayout(fs, noEnv, &cfg)
	fs.IntVar(&cfg.Concurrency, "concurrency", 8, "handler goroutines per stage")
	fs.StringVar(&cfg.Compression, "compression", "snappy", "Parquet compression: snappy or zstd")
	logLevel := fs.String("log-level", "warn", "log level of the stages (logs go to stderr)")
	memLimit := fs.Int64("mem-limit-mib", -1, "soft memory limit of the process in MiB: -1 sizes it for the job (180 MiB, 8 bytes per sample and 117 per duplicate-index entry it will keep), 0 sets none; GOMEMLIMIT wins when set")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile, taken when the job ends, to this file")
	pprofAddr := fs.String("pprof", "", "serve Go's profiling endpoints (/debug/pprof/) on this address during the run, e.g. 127.0.0.1:6060")
	var ef evalFlags
	ef.bind(fs, "eval-") // --eval-real evaluates the job when it ends (docs/eval.md)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	// run's --llm/--model/--llm-url configure the embedded generator; the
	// request inherits them unless --request says otherwise.
	req, err := rf.build(fs)
	if err != nil {
		return err
	}
	if req.Output == "" {
		return fmt.Errorf("%w: --out is required (a folder or s3://bucket/prefix)", errUsage)
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
	cfg.Metrics = telemetry.NewMetrics()
	llmf.Config.Metrics = cfg.Metrics
	if err := llmf.Finish(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	llms, err := llmf.Build()
	if err != nil {
		return err
	}
	if cfg.Judge, err = judgef.Build(); err != nil {
		return err
	}
	s3, err := store.S3ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	if err := checkOutput(ctx, req.Output, s3); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "synthdesk-nats-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: dir})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	conn, err := bus.Connect(ctx, bus.Config{Name: "synthdesk-run", InProcess: srv})
	if err != nil {
		return err
	}
	defer conn.Close()
	// The server lives and dies with this process: records passing
	// through are kept in memory (see bus.Topology).
	topology := bus.Topology{Replicas: 1, PassThroughInMemory: true}
	if err := conn.Ensure(ctx, topology); err != nil {
		return err
	}
	cfg.Conn, cfg.Log, cfg.Taxonomy, cfg.LLM, cfg.S3, cfg.Output = conn, log, tax, llms, s3, req.Output
	cfg.MaxSamples = 100_000_000
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	connect := func(ctx context.Context, stage string) (*bus.Conn, error) {
		c, err := bus.Connect(ctx, bus.Config{Name: "synthdesk-" + stage, InProcess: srv})
		if err != nil {
			return nil, err
		}
		return c, c.Ensure(ctx, topology)
	}
	err = runJob(ctx, cfg, connect, req, stdout, stderr)
	err = ef.afterRun(ctx, cfg, req.JobID, realSample, err, stdout)
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

// runJob runs the stages, submits req and follows it to the end.
func runJob(ctx context.Context, cfg pipeline.Config, connect pipeline.Connector, req record.Request, stdout, stderr io.Writer) error {
	start := time.Now()
	sctx, stop := context.WithCancel(ctx)
	stages := make(chan error, 1)
	go func() { stages <- pipeline.RunAll(sctx, cfg, connect) }()
	defer func() {
		stop()
		if err := <-stages; err != nil {
			cfg.Log.Error().Err(err).Msg("stages stopped with an error")
		}
	}()
	reply, err := pipeline.Submit(ctx, cfg.Conn, mustMarshal(req))
	if err != nil {
		// A stage that failed at start leaves no intake to answer: its
		// error is the cause.
		return cmp.Or(stageError(stages), err)
	}
	fmt.Fprintf(stderr, "job %s: %d conversations, seed %d\n", reply.JobID, reply.Samples, reply.Seed)
	jobs, _ := cfg.Conn.Jobs()
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
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
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
