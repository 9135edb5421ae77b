package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/parse"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// capture serves the simulator and keeps the body of every chat request.
type capture struct {
	mu     sync.Mutex
	bodies [][]byte
	next   http.Handler
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies = append(c.bodies, b)
	c.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(b))
	c.next.ServeHTTP(w, r)
}

func (c *capture) last(t *testing.T) map[string]any {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.bodies) == 0 {
		t.Fatal("no request reached the server")
	}
	var doc map[string]any
	if err := json.Unmarshal(c.bodies[len(c.bodies)-1], &doc); err != nil {
		t.Fatalf("request body is not JSON: %v", err)
	}
	return doc
}

// temperatureOf finds the temperature a request body carries, at the top
// level (OpenAI) or in options (Ollama).
func temperatureOf(doc map[string]any) (any, bool) {
	if v, ok := doc["temperature"]; ok {
		return v, true
	}
	if opts, ok := doc["options"].(map[string]any); ok {
		v, ok := opts["temperature"]
		return v, ok
	}
	return nil, false
}

// TestTemperatureOnTheWire checks that a call without a temperature sends
// none, so the server applies the model's default, and that a set one,
// 0 included, is sent as given.
func TestTemperatureOnTheWire(t *testing.T) {
	_, sim := startSim(t, llmsim.Config{})
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			c := &capture{next: sim}
			srv := httptest.NewServer(c)
			t.Cleanup(srv.Close)
			b := newBackend(t, bc, srv.URL, 0)
			for _, tc := range []struct {
				name string
				temp *float64
			}{{"unset", nil}, {"zero", ptr(0)}, {"set", ptr(0.7)}} {
				call := specs(t, "track_order")
				call.Temperature = tc.temp
				res, err := b.Generate(context.Background(), call)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if len(res.Drafts) != 1 || res.Drafts[0].Err != nil {
					t.Fatalf("%s: the answer did not parse: %+v", tc.name, res.Drafts)
				}
				doc := c.last(t)
				got, ok := temperatureOf(doc)
				switch {
				case tc.temp == nil && ok:
					t.Errorf("%s: temperature %v sent, want none", tc.name, got)
				case tc.temp != nil && (!ok || got.(float64) < *tc.temp-1e-6 || got.(float64) > *tc.temp+1e-6):
					t.Errorf("%s: temperature %v (sent %v), want %v", tc.name, got, ok, *tc.temp)
				}
				if doc["model"] != "sim-small" {
					t.Errorf("%s: the rest of the body changed: model %v", tc.name, doc["model"])
				}
			}
		})
	}
}

func ptr(v float64) *float64 { return &v }

// TestShortAnswerGivesMissingDrafts asks the simulator, which knows only
// the default taxonomy, for a known and an unknown intent: its answer is
// short, and the backend reports the missing conversation as a draft
// error the generator regenerates, not as a usable draft.
func TestShortAnswerGivesMissingDrafts(t *testing.T) {
	srv, sim := startSim(t, llmsim.Config{})
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			b := newBackend(t, bc, srv.URL, 0)
			call := specs(t, "track_order", "get_refund")
			custom := &taxonomy.Intent{Name: "rent_bike", Description: "The customer wants to rent a bike."}
			call.Specs[1].Intent = custom
			res, err := b.Generate(context.Background(), call)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Drafts) != 2 || res.Drafts[0].Err != nil {
				t.Fatalf("drafts %+v, want the known intent answered", res.Drafts)
			}
			if !errors.Is(res.Drafts[1].Err, parse.ErrMissing) {
				t.Errorf("draft of the unknown intent: err %v, want parse.ErrMissing", res.Drafts[1].Err)
			}
		})
	}
	if n := sim.Stats().UnknownIntents["rent_bike"]; n != 2 {
		t.Errorf("simulator counted %d unknown rent_bike requests, want 2", n)
	}
}
