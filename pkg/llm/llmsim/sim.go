// Package llmsim is an HTTP server that speaks the Ollama and OpenAI chat
// protocols like a real model server, for tests and load experiments: it
// answers the conversations a prompt asks for, with configurable latency,
// a bounded number of concurrent slots, and seeded fault injection (HTTP
// errors, hangs, broken JSON and conversations the quality gate must
// reject). GET /sim/stats reports what it served.
package llmsim

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Request is one conversation a prompt asks for.
type Request struct {
	Intent string
	Turns  int
}

// Overflow policies: what happens to a request when every slot is busy.
const (
	OverflowQueue = "queue"
	Overflow429   = "429"
)

// Config configures a simulator. Backend, ParseRequests and Taxonomy are
// required.
type Config struct {
	// Backend writes the good conversations (e.g. the offline synthesizer).
	Backend llm.Backend
	// ParseRequests recovers the conversations asked for from the user
	// message of a prompt.
	ParseRequests func(user string) []Request
	// Taxonomy resolves intent names for Backend.
	Taxonomy *taxonomy.Taxonomy
	// Latency is the mean service time of one call; each call draws it
	// uniformly in [Latency-Jitter, Latency+Jitter].
	Latency, Jitter time.Duration
	// Capacity is the number of calls served at once (default 32).
	Capacity int
	// Overflow is OverflowQueue (default) or Overflow429.
	Overflow string
	// FaultRate is the probability that a call gets one of Faults, drawn
	// uniformly.
	FaultRate float64
	Faults    []Fault
	// Seed makes the fault and latency draws reproducible.
	Seed int64
	// Models are the model names served; empty means any name is served
	// and "sim" is listed.
	Models []string
	// UnknownIntent, when set, is called for every conversation asked
	// for an intent Taxonomy lacks; the answer leaves it out, as a model
	// that skips a request does. Stats count them too.
	UnknownIntent func(intent string)
}

// Validate reports every configuration problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Backend == nil {
		errs = append(errs, errors.New("llmsim: Backend is nil"))
	}
	if c.ParseRequests == nil {
		errs = append(errs, errors.New("llmsim: ParseRequests is nil"))
	}
	if c.Taxonomy == nil {
		errs = append(errs, errors.New("llmsim: Taxonomy is nil"))
	}
	if c.Overflow != "" && c.Overflow != OverflowQueue && c.Overflow != Overflow429 {
		errs = append(errs, errors.New(`llmsim: overflow must be "queue" or "429"`))
	}
	if c.FaultRate < 0 || c.FaultRate > 1 {
		errs = append(errs, errors.New("llmsim: fault rate must be within [0,1]"))
	}
	for _, f := range c.Faults {
		if !slices.Contains(AllFaults, f) {
			errs = append(errs, errors.New("llmsim: unknown fault "+string(f)))
		}
	}
	return errors.Join(errs...)
}

// Sim is the simulator; it is an http.Handler safe for concurrent use.
type Sim struct {
	cfg   Config
	mux   *http.ServeMux
	slots *slots
	stats *stats

	mu   sync.Mutex // guards rng and last
	rng  *rand.Rand
	last string // the previous good answer, for the duplicate fault
}

// New returns a simulator; it panics on an invalid Config (call
// Config.Validate first to get the reasons as an error).
func New(cfg Config) *Sim {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if cfg.Capacity <= 0 {
		cfg.Capacity = 32
	}
	if cfg.Overflow == "" {
		cfg.Overflow = OverflowQueue
	}
	s := &Sim{cfg: cfg, mux: http.NewServeMux(), slots: newSlots(cfg.Capacity), stats: newStats(),
		rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed))}
	s.mux.HandleFunc("POST /api/chat", s.ollamaChat)
	s.mux.HandleFunc("GET /api/tags", s.ollamaTags)
	s.mux.HandleFunc("POST /v1/chat/completions", s.openaiChat)
	s.mux.HandleFunc("POST /chat/completions", s.openaiChat)
	s.mux.HandleFunc("GET /v1/models", s.openaiModels)
	s.mux.HandleFunc("GET /sim/stats", s.serveStats)
	return s
}

// ServeHTTP serves the Ollama and OpenAI endpoints and /sim/stats.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Stats returns a snapshot of what the simulator served.
func (s *Sim) Stats() Stats {
	st := s.stats.snapshot()
	st.Capacity = s.cfg.Capacity
	st.BusySlotSeconds, st.InFlight = s.slots.busySeconds()
	return st
}

func (s *Sim) serveStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Sim) modelKnown(m string) bool {
	return len(s.cfg.Models) == 0 || slices.Contains(s.cfg.Models, m)
}

func (s *Sim) modelNames() []string {
	if len(s.cfg.Models) == 0 {
		return []string{"sim"}
	}
	return s.cfg.Models
}

// latency draws one service time.
func (s *Sim) latency() time.Duration {
	if s.cfg.Jitter <= 0 {
		return s.cfg.Latency
	}
	s.mu.Lock()
	j := time.Duration(s.rng.Int64N(int64(2*s.cfg.Jitter) + 1))
	s.mu.Unlock()
	return max(0, s.cfg.Latency-s.cfg.Jitter+j)
}

// wait sleeps d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may have gone; nothing to do
}
