package faults

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// hostile is a request the intake must refuse; the error must contain
// one of names (when set): the field, or for an oversized request what
// was too big, so the user knows what to fix.
type hostile struct {
	name  string
	body  string
	names []string
}

// hostileCorpus are requests that are malformed, empty, oversized or aim
// outside the output root. Each must be refused with nothing started.
func hostileCorpus() []hostile {
	deep := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	return []hostile{
		{name: "null", body: `null`},
		{name: "array", body: `[]`},
		{name: "string", body: `"x"`},
		{name: "number", body: `42`},
		{name: "truncated", body: `{"samples":`},
		{name: "trailing", body: `{"samples":10} {"samples":10}`},
		{name: "samples zero", body: `{"samples":0}`, names: []string{"samples"}},
		{name: "samples negative", body: `{"samples":-1}`, names: []string{"samples"}},
		{name: "samples huge", body: `{"samples":1000000000000}`, names: []string{"samples"}},
		{name: "samples string", body: `{"samples":"10"}`, names: []string{"samples"}},
		{name: "unknown field", body: `{"samples":10,"sampels":10}`, names: []string{"sampels"}},
		{name: "huge label", body: `{"samples":10,"labels":{"note":"` + strings.Repeat("x", 900_000) + `"}}`, names: []string{"label", "bytes", "size", "large"}},
		{name: "deep nesting", body: `{"samples":10,"labels":` + deep + `}`},
		{name: "output parent", body: `{"samples":10,"output":"../evil"}`, names: []string{"output"}},
		{name: "output absolute", body: `{"samples":10,"output":"/tmp/synthdesk-faults-evil"}`, names: []string{"output"}},
		{name: "unknown intent", body: `{"samples":10,"intents":{"no_such_intent":1}}`, names: []string{"no_such_intent"}},
		{name: "split not one", body: `{"samples":10,"split":{"train":0.9,"validation":0.9}}`, names: []string{"split"}},
	}
}

// hostileRequests sends the corpus to the intake and checks each is
// refused with a clear error, no job is started, no file is written
// outside the output, and every service is still up and working.
func hostileRequests(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, h := range hostileCorpus() {
		reply := e.submit(t, []byte(h.body))
		switch {
		case reply.Error == "":
			t.Errorf("%s: accepted as job %s (%d samples), want an error", h.name, reply.JobID, reply.Samples)
		case !mentions(reply.Error, h.names):
			t.Errorf("%s: error %q names none of %q", h.name, truncate(reply.Error, 300), h.names)
		default:
			t.Logf("%s: %s", h.name, truncate(reply.Error, 200))
		}
	}
	if n := e.jobCount(t); n != 0 {
		t.Errorf("%d jobs in the job store after hostile requests only, want 0", n)
	}
	for _, p := range e.all() {
		if !p.alive() || !p.healthy("/healthz") {
			t.Errorf("%s is down after the hostile requests (alive=%t)", p.name, p.alive())
		}
	}
	start := time.Now()
	id := e.startJob(t, min(set.samples, 500))
	e.finish(t, id, start, "a valid job after the hostile corpus")
	for _, p := range []string{filepath.Join(e.dir, "cwd", "evil"), "/tmp/synthdesk-faults-evil"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists: a request wrote outside the output", p)
			os.RemoveAll(p)
		}
	}
}

// jobCount counts the jobs in the job store.
func (e *env) jobCount(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kv, err := e.kv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kv.ListKeys(ctx, jetstream.MetaOnly())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k := range keys.Keys() {
		if strings.HasSuffix(k, ".state") {
			n++
		}
	}
	return n
}

// mentions reports whether msg contains one of names, ignoring case; no
// names means any message.
func mentions(msg string, names []string) bool {
	for _, n := range names {
		if strings.Contains(strings.ToLower(msg), n) {
			return true
		}
	}
	return len(names) == 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
