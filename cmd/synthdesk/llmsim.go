package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// cmdLLMSim runs `synthdesk llm-sim`: an Ollama- and OpenAI-compatible
// model server answering with the offline synthesizer, with configurable
// latency, capacity and fault injection. It serves until ctx is cancelled.
func cmdLLMSim(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("llm-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	host := fs.String("host", "127.0.0.1", "address to listen on")
	port := fs.Int("port", 11435, "port to listen on (0 picks a free one)")
	latency := fs.Duration("latency", 200*time.Millisecond, "mean service time of one call")
	jitter := fs.Duration("jitter", 50*time.Millisecond, "service time is drawn uniformly in latency±jitter")
	capacity := fs.Int("capacity", 32, "calls served at once")
	overflow := fs.String("overflow", llmsim.OverflowQueue, "beyond capacity: queue or 429")
	faultRate := fs.Float64("fault-rate", 0, "probability that a call gets one of --faults")
	faults := fs.String("faults", "", "comma-separated faults to inject: all, or "+faultList())
	seed := fs.Int64("seed", 1, "seed of the fault and latency draws")
	models := fs.String("models", "", "comma-separated model names served (default: any name)")
	taxFiles := fs.String("taxonomy", "", "taxonomy files, comma-separated, whose intents the simulator answers (default: built-in); give it the jobs' --taxonomy")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	fl, err := llmsim.ParseFaults(*faults)
	if err != nil {
		return fmt.Errorf("llm-sim: --faults: %w", err)
	}
	tx, err := taxonomy.Load(splitList(*taxFiles)...)
	if err != nil {
		return fmt.Errorf("%w: llm-sim --taxonomy: %v", errUsage, err)
	}
	var warned sync.Map
	cfg := llmsim.Config{
		Backend: offline.New(offline.Config{Taxonomy: tx}), ParseRequests: simRequests, Taxonomy: tx,
		UnknownIntent: func(name string) {
			if _, seen := warned.LoadOrStore(name, true); !seen {
				fmt.Fprintf(stderr, "llm-sim: asked for intent %q, which its taxonomy lacks: the answer leaves that conversation out; start llm-sim with the job's --taxonomy\n", name)
			}
		},
		Latency: *latency, Jitter: *jitter, Capacity: *capacity, Overflow: *overflow,
		FaultRate: *faultRate, Faults: fl, Seed: *seed, Models: splitList(*models),
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("llm-sim: %w", err)
	}
	srv := &http.Server{Handler: llmsim.New(cfg), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "llm-sim listening on http://%s (Ollama: /api/chat, OpenAI: /v1/chat/completions, stats: /sim/stats)\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("llm-sim: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		srv.Close() // hung calls (the timeout fault) do not end by themselves
	}
	return nil
}

// simRequests adapts prompt.ParseRequests to the simulator.
func simRequests(user string) []llmsim.Request {
	var out []llmsim.Request
	for _, r := range prompt.ParseRequests(user) {
		out = append(out, llmsim.Request{Intent: r.Intent, Turns: r.Turns})
	}
	return out
}

func faultList() string {
	names := make([]string, len(llmsim.AllFaults))
	for i, f := range llmsim.AllFaults {
		names[i] = string(f)
	}
	return strings.Join(names, ",")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
