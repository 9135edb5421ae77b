package llmsim

import (
	"maps"
	"sync"
)

// Stats is what a simulator served, as exposed at GET /sim/stats.
type Stats struct {
	// Requests counts chat requests received.
	Requests int64 `json:"requests"`
	// Served counts answers by kind: "ok", a Fault name, "overflow_429",
	// "bad_request", "unknown_model", "client_gone".
	Served map[string]int64 `json:"served"`
	// Conversations is the number of conversations asked for in answered
	// prompts.
	Conversations int64 `json:"conversations"`
	// PromptTokens and CompletionTokens are the totals reported.
	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	Capacity         int   `json:"capacity"`
	// InFlight is the number of slots in use now.
	InFlight int `json:"in_flight"`
	// BusySlotSeconds integrates the number of busy slots over time.
	BusySlotSeconds float64 `json:"busy_slot_seconds"`
	// UnknownIntents counts conversations asked for intents the
	// simulator's taxonomy lacks, left out of the answers.
	UnknownIntents map[string]int64 `json:"unknown_intents,omitempty"`
}

type stats struct {
	mu sync.Mutex
	s  Stats
}

func newStats() *stats { return &stats{s: Stats{Served: map[string]int64{}}} }

func (st *stats) unknownIntent(name string) {
	st.mu.Lock()
	if st.s.UnknownIntents == nil {
		st.s.UnknownIntents = map[string]int64{}
	}
	st.s.UnknownIntents[name]++
	st.mu.Unlock()
}

func (st *stats) request() {
	st.mu.Lock()
	st.s.Requests++
	st.mu.Unlock()
}

func (st *stats) served(kind string, conversations, prompt, completion int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Served[kind]++
	st.s.Conversations += int64(conversations)
	st.s.PromptTokens += int64(prompt)
	st.s.CompletionTokens += int64(completion)
}

func (st *stats) snapshot() Stats {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.s
	c.Served = maps.Clone(st.s.Served)
	c.UnknownIntents = maps.Clone(st.s.UnknownIntents)
	return c
}
