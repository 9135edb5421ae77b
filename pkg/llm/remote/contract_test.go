package remote_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/parse"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/llm/remote"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

const canaryKey = "sk-canary-7f3e9b1d0c2a"

func render(call llm.Call) (remote.Prompt, error) {
	p, err := prompt.Render(call, prompt.Options{})
	return remote.Prompt{System: p.System, User: p.User, Schema: p.Schema, Version: p.Version}, err
}

func parseRequests(user string) []llmsim.Request {
	var out []llmsim.Request
	for _, r := range prompt.ParseRequests(user) {
		out = append(out, llmsim.Request{Intent: r.Intent, Turns: r.Turns})
	}
	return out
}

func defaultTaxonomy(t testing.TB) *taxonomy.Taxonomy {
	tx, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// startSim serves a simulator on a loopback HTTP server.
func startSim(t testing.TB, cfg llmsim.Config) (*httptest.Server, *llmsim.Sim) {
	cfg.Taxonomy = defaultTaxonomy(t)
	cfg.Backend = offline.New(offline.Config{Taxonomy: cfg.Taxonomy})
	cfg.ParseRequests = parseRequests
	cfg.Models = []string{"sim-small", "sim-large"}
	sim := llmsim.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return srv, sim
}

type backendCase struct {
	name string
	new  func(remote.Config) (*remote.Backend, error)
	path string // base URL suffix
}

var backends = []backendCase{
	{name: "ollama", new: remote.NewOllama},
	{name: "openai", new: remote.NewOpenAI, path: "/v1"},
}

func newBackend(t testing.TB, bc backendCase, url string, timeout time.Duration) *remote.Backend {
	b, err := bc.new(remote.Config{BaseURL: url + bc.path, Model: "sim-small", Models: []string{"sim-small", "sim-large", "absent"},
		APIKey: canaryKey, HTTPClient: remote.NewHTTPClient(8), Timeout: timeout, Render: render, PromptVersion: prompt.Version})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func specs(t testing.TB, intents ...string) llm.Call {
	tx := defaultTaxonomy(t)
	var call llm.Call
	for i, n := range intents {
		in, ok := tx.Lookup(n)
		if !ok {
			t.Fatalf("no intent %s", n)
		}
		call.Specs = append(call.Specs, llm.Spec{Intent: in, MinTurns: 2, MaxTurns: 6, Seed: int64(i + 1)})
		call.Specs[i].Axes.Turns = 4
		call.Specs[i].Axes.Channel = "chat"
	}
	return call
}

func TestContract(t *testing.T) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			t.Run("good answers parse into drafts", func(t *testing.T) { testGood(t, bc) })
			t.Run("429 and 503 are retried", func(t *testing.T) { testRetried(t, bc) })
			t.Run("400 and 404 are permanent", func(t *testing.T) { testPermanent(t, bc) })
			t.Run("timeouts are retryable", func(t *testing.T) { testTimeout(t, bc) })
			t.Run("malformed output gives draft errors", func(t *testing.T) { testMalformed(t, bc) })
			t.Run("api key never in errors", func(t *testing.T) { testCanary(t, bc) })
			t.Run("model allow-list", func(t *testing.T) { testAllowList(t, bc) })
		})
	}
}

func testGood(t *testing.T, bc backendCase) {
	srv, sim := startSim(t, llmsim.Config{})
	b := newBackend(t, bc, srv.URL, 0)
	res, err := b.Generate(context.Background(), specs(t, "track_order", "get_refund", "complaint"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Drafts) != 3 {
		t.Fatalf("%d drafts, want 3", len(res.Drafts))
	}
	for i, d := range res.Drafts {
		if d.Err != nil || len(d.Turns) < 2 || d.Turns[0].Role != "customer" {
			t.Errorf("draft %d: err %v, %d turns", i, d.Err, len(d.Turns))
		}
	}
	u := res.Usage
	if u.PromptTokens == 0 || u.CompletionTokens == 0 || u.Estimated || u.Calls != 1 || u.Seconds <= 0 {
		t.Errorf("usage = %+v, want server-reported counts", u)
	}
	if st := sim.Stats(); st.Served["ok"] != 1 || st.Conversations != 3 {
		t.Errorf("sim stats = %+v", st)
	}
	if got := b.Name(""); got != bc.name+"/sim-small" {
		t.Errorf("Name = %q", got)
	}
}

func immediate(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func testRetried(t *testing.T, bc backendCase) {
	srv, sim := startSim(t, llmsim.Config{FaultRate: 0.5, Faults: []llmsim.Fault{llmsim.Fault429, llmsim.Fault503}, Seed: 3})
	l := llm.NewLimiter(newBackend(t, bc, srv.URL, 0), llm.LimitConfig{Retry: llm.RetryConfig{Attempts: 20}, After: immediate, BreakerThreshold: -1})
	var total llm.Usage
	for range 6 {
		res, err := l.Generate(context.Background(), specs(t, "track_order"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Drafts[0].Err != nil {
			t.Fatal(res.Drafts[0].Err)
		}
		total.Add(res.Usage)
	}
	st := sim.Stats()
	if faults := st.Served["429"] + st.Served["503"]; faults == 0 || total.Retries != int(faults) {
		t.Errorf("retries = %d, sim served %d faults", total.Retries, faults)
	}
}

func testPermanent(t *testing.T, bc backendCase) {
	srv, _ := startSim(t, llmsim.Config{})
	b := newBackend(t, bc, srv.URL, 0)
	call := specs(t, "track_order")
	call.Model = "absent" // allowed here, unknown to the server: 404
	_, err := b.Generate(context.Background(), call)
	assertCallError(t, err, 404, false)

	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"message":"bad request"}}`))
	}))
	defer bad.Close()
	_, err = newBackend(t, bc, bad.URL, 0).Generate(context.Background(), specs(t, "track_order"))
	assertCallError(t, err, 400, false)
}

func testTimeout(t *testing.T, bc backendCase) {
	srv, _ := startSim(t, llmsim.Config{FaultRate: 1, Faults: []llmsim.Fault{llmsim.FaultTimeout}})
	_, err := newBackend(t, bc, srv.URL, 100*time.Millisecond).Generate(context.Background(), specs(t, "track_order"))
	assertCallError(t, err, 0, true)
	if llm.KindOf(err) != llm.KindTimeout {
		t.Errorf("kind = %s, want timeout", llm.KindOf(err))
	}
}

func assertCallError(t *testing.T, err error, status int, retryable bool) {
	t.Helper()
	var ce *llm.CallError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *llm.CallError", err)
	}
	if ce.Status != status || llm.IsRetryable(err) != retryable {
		t.Errorf("err = %v (status %d), want status %d retryable %v", err, ce.Status, status, retryable)
	}
}

func testMalformed(t *testing.T, bc backendCase) {
	tests := []struct {
		fault llmsim.Fault
		want  error
	}{
		{fault: llmsim.FaultTruncated, want: parse.ErrTruncated},
		{fault: llmsim.FaultSchema, want: parse.ErrWrongShape},
		{fault: llmsim.FaultEmpty, want: parse.ErrNoJSON},
		{fault: llmsim.FaultOffIntent, want: parse.ErrOffIntent},
	}
	for _, tc := range tests {
		t.Run(string(tc.fault), func(t *testing.T) {
			srv, _ := startSim(t, llmsim.Config{FaultRate: 1, Faults: []llmsim.Fault{tc.fault}})
			res, err := newBackend(t, bc, srv.URL, 0).Generate(context.Background(), specs(t, "track_order", "review", "get_invoice"))
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(res.Drafts[len(res.Drafts)-1].Err, tc.want) && !errors.Is(res.Drafts[0].Err, tc.want) {
				t.Errorf("drafts = %+v, want an error %v", res.Drafts, tc.want)
			}
		})
	}
}

func testCanary(t *testing.T, bc backendCase) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		msg, _ := json.Marshal("invalid key: " + r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"error":{"message":` + string(msg) + `}}`))
	}))
	defer echo.Close()
	_, err := newBackend(t, bc, echo.URL, 0).Generate(context.Background(), specs(t, "track_order"))
	if err == nil || strings.Contains(err.Error(), canaryKey) {
		t.Fatalf("err = %v: must fail without quoting the key", err)
	}
	assertCallError(t, err, 401, false)
	echo.Close()
	_, err = newBackend(t, bc, echo.URL, 0).Generate(context.Background(), specs(t, "track_order"))
	if err == nil || strings.Contains(err.Error(), canaryKey) || !llm.IsRetryable(err) {
		t.Fatalf("connection refused: err = %v, want retryable without the key", err)
	}
}

func testAllowList(t *testing.T, bc backendCase) {
	srv, _ := startSim(t, llmsim.Config{})
	call := specs(t, "track_order")
	call.Model = "gpt-unlisted"
	_, err := newBackend(t, bc, srv.URL, 0).Generate(context.Background(), call)
	if !errors.Is(err, remote.ErrModelNotAllowed) || llm.IsRetryable(err) || !strings.Contains(err.Error(), "sim-large") {
		t.Errorf("err = %v, want a permanent ErrModelNotAllowed naming the allowed models", err)
	}
	if _, err := bc.new(remote.Config{BaseURL: srv.URL, Model: "x", Models: []string{"y"}, Render: render}); !errors.Is(err, remote.ErrModelNotAllowed) {
		t.Errorf("constructor err = %v, want ErrModelNotAllowed", err)
	}
}

func TestSimStreamingWithPlainClient(t *testing.T) {
	srv, _ := startSim(t, llmsim.Config{})
	p, err := prompt.Render(specs(t, "track_order", "review"), prompt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	user, _ := json.Marshal(p.User)
	tests := []struct {
		name, path, body string
		done             func(line string) bool
	}{
		{name: "ollama ndjson", path: "/api/chat",
			body: `{"model":"sim-small","stream":true,"format":"json","messages":[{"role":"user","content":` + string(user) + `}]}`,
			done: func(l string) bool { return strings.Contains(l, `"done":true`) }},
		{name: "openai sse", path: "/v1/chat/completions",
			body: `{"model":"sim-small","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":` + string(user) + `}]}`,
			done: func(l string) bool { return l == "data: [DONE]" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+tc.path, "application/json", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			lines, sawDone := 0, false
			for sc.Scan() {
				if sc.Text() == "" {
					continue
				}
				lines++
				sawDone = sawDone || tc.done(sc.Text())
			}
			if resp.StatusCode != 200 || lines < 3 || !sawDone {
				t.Errorf("status %d, %d lines, done %v", resp.StatusCode, lines, sawDone)
			}
		})
	}
}
