package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// llmSimFlags are llm-sim's flags.
type llmSimFlags struct {
	host, overflow, faults, models, taxFiles string
	port, capacity                           int
	latency, jitter                          time.Duration
	faultRate                                float64
	seed                                     int64
}

func newLLMSimCmd() *cobra.Command {
	var o llmSimFlags
	cmd := &cobra.Command{
		Use:   "llm-sim [flags]",
		Args:  noArgs,
		Short: "serve the Ollama and OpenAI chat protocols with simulated answers and faults",
		RunE: func(c *cobra.Command, _ []string) error {
			return cmdLLMSim(c.Context(), &o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.host, "host", "127.0.0.1", "address to listen on")
	fs.IntVar(&o.port, "port", 11435, "port to listen on (0 picks a free one)")
	fs.DurationVar(&o.latency, "latency", 200*time.Millisecond, "mean service time of one call")
	fs.DurationVar(&o.jitter, "jitter", 50*time.Millisecond, "service time is drawn uniformly in latency±jitter")
	fs.IntVar(&o.capacity, "capacity", 32, "calls served at once")
	fs.StringVar(&o.overflow, "overflow", llmsim.OverflowQueue, "beyond capacity: queue or 429")
	fs.Float64Var(&o.faultRate, "fault-rate", 0, "probability that a call gets one of --faults")
	fs.StringVar(&o.faults, "faults", "", "comma-separated faults to inject: all, or "+faultList())
	fs.Int64Var(&o.seed, "seed", 1, "seed of the fault and latency draws")
	fs.StringVar(&o.models, "models", "", "comma-separated model names served (default: any name)")
	fs.StringVar(&o.taxFiles, "taxonomy", "", "taxonomy files, comma-separated, whose intents the simulator answers (default: built-in); give it the jobs' --taxonomy")
	return cmd
}

// cmdLLMSim runs `synthdesk llm-sim`: an Ollama- and OpenAI-compatible
// model server answering with the offline synthesizer, with configurable
// latency, capacity and fault injection. It serves until ctx is cancelled.
func cmdLLMSim(ctx context.Context, o *llmSimFlags, stdout, stderr io.Writer) error {
	fl, err := llmsim.ParseFaults(o.faults)
	if err != nil {
		return fmt.Errorf("llm-sim: --faults: %w", err)
	}
	tx, err := taxonomy.Load(splitList(o.taxFiles)...)
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
		Latency: o.latency, Jitter: o.jitter, Capacity: o.capacity, Overflow: o.overflow,
		FaultRate: o.faultRate, Faults: fl, Seed: o.seed, Models: splitList(o.models),
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(o.host, strconv.Itoa(o.port)))
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
