package llmsim_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

func newSim(t *testing.T, cfg llmsim.Config) (*httptest.Server, *llmsim.Sim) {
	tx, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Taxonomy, cfg.Backend = tx, offline.New(offline.Config{Taxonomy: tx})
	cfg.ParseRequests = func(user string) []llmsim.Request {
		var out []llmsim.Request
		for _, r := range prompt.ParseRequests(user) {
			out = append(out, llmsim.Request{Intent: r.Intent, Turns: r.Turns})
		}
		return out
	}
	sim := llmsim.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return srv, sim
}

// ask posts one non-streaming OpenAI request for track_order and returns
// the status and the answer content.
func ask(t *testing.T, url string) (int, string) {
	t.Helper()
	tx, _ := taxonomy.Default()
	in, _ := tx.Lookup("track_order")
	call := llm.Call{Specs: []llm.Spec{{Intent: in, MinTurns: 4, MaxTurns: 4, Seed: 7}}}
	call.Specs[0].Axes.Turns, call.Specs[0].Axes.Channel = 4, "chat"
	p, err := prompt.Render(call, prompt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]string{
		{"role": "system", "content": p.System}, {"role": "user", "content": p.User}}})
	resp, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	if len(out.Choices) == 0 {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, out.Choices[0].Message.Content
}

func TestQualityFaults(t *testing.T) {
	tests := []struct {
		fault llmsim.Fault
		check func(content string) bool
	}{
		{fault: llmsim.FaultRoles, check: func(c string) bool { return strings.Contains(c, `"turns":[{"role":"agent"`) }},
		{fault: llmsim.FaultPlaceholder, check: func(c string) bool { return strings.Contains(c, "[ORDER_ID]") }},
		{fault: llmsim.FaultPII, check: func(c string) bool {
			return strings.Contains(c, "@gmail.com") && strings.Contains(c, "My card is 4916 ")
		}},
		{fault: llmsim.FaultMeta, check: func(c string) bool { return strings.Contains(c, "As an AI language model") }},
		{fault: llmsim.FaultOffIntent, check: func(c string) bool { return !strings.Contains(c, `"intent":"track_order"`) }},
	}
	for _, tc := range tests {
		t.Run(string(tc.fault), func(t *testing.T) {
			srv, sim := newSim(t, llmsim.Config{FaultRate: 1, Faults: []llmsim.Fault{tc.fault}})
			status, content := ask(t, srv.URL)
			if status != 200 || !tc.check(content) {
				t.Errorf("status %d, content %s", status, content)
			}
			if got := sim.Stats().Served[string(tc.fault)]; got != 1 {
				t.Errorf("stats count %d for %s", got, tc.fault)
			}
		})
	}
}

func TestDuplicateRepeatsPreviousAnswer(t *testing.T) {
	srv, _ := newSim(t, llmsim.Config{FaultRate: 0.5, Faults: []llmsim.Fault{llmsim.FaultDuplicate}, Seed: 2})
	seen := map[string]int{}
	for range 12 {
		_, c := ask(t, srv.URL)
		seen[c]++
	}
	if len(seen) == 12 {
		t.Error("no answer was repeated")
	}
}

func TestOverflow429(t *testing.T) {
	srv, sim := newSim(t, llmsim.Config{Capacity: 1, Overflow: llmsim.Overflow429, Latency: time.Hour})
	// The first call holds the only slot until its client gives up.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/chat",
		strings.NewReader(`{"model":"m","stream":false,"messages":[]}`))
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for sim.Stats().InFlight == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first call never took the slot")
		}
		runtime.Gosched()
	}
	if got, _ := ask(t, srv.URL); got != http.StatusTooManyRequests {
		t.Fatalf("status %d with every slot busy, want 429", got)
	}
	if sim.Stats().Served["overflow_429"] != 1 {
		t.Fatal("overflow not counted")
	}
}

func TestParseFaults(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		wantErr  bool
	}{
		{name: "all", in: "all", want: len(llmsim.AllFaults)},
		{name: "list", in: "500, 429,pii", want: 3},
		{name: "empty", in: "", want: 0},
		{name: "unknown", in: "500,nope", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := llmsim.ParseFaults(tc.in)
			if (err != nil) != tc.wantErr || len(got) != tc.want {
				t.Errorf("ParseFaults(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}
