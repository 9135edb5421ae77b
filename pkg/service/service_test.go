package service

import (
	"flag"
	"strings"
	"testing"
)

func env(m map[string]string) Env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestCommonReportsEveryProblemAtOnce(t *testing.T) {
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Bind(fs, env(map[string]string{"SYNTHDESK_NATS_TLS_CERT": "cert.pem"}))
	if err := fs.Parse([]string{"--concurrency", "0", "--stream-replicas", "9"}); err != nil {
		t.Fatal(err)
	}
	err := c.Finish()
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, want := range []string{"certificate and its key", "concurrency must be", "stream replicas must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Bind(fs, env(map[string]string{"SYNTHDESK_NATS_URL": "nats://env:4222", "SYNTHDESK_CONCURRENCY": "3"}))
	if err := fs.Parse([]string{"--nats", "nats://flag:4222"}); err != nil {
		t.Fatal(err)
	}
	if c.NATS.URL != "nats://flag:4222" || c.Concurrency != 3 {
		t.Errorf("url %s concurrency %d", c.NATS.URL, c.Concurrency)
	}
}

// TestMistypedIntegerVariableIsAnError: a variable that is not an integer
// is reported by Finish, with its name and value, instead of silently
// giving way to the default.
func TestMistypedIntegerVariableIsAnError(t *testing.T) {
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Bind(fs, env(map[string]string{"SYNTHDESK_CONCURRENCY": "abc", "SYNTHDESK_STREAM_REPLICAS": "3"}))
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	err := c.Finish()
	if err == nil || !strings.Contains(err.Error(), `SYNTHDESK_CONCURRENCY="abc" is not an integer`) {
		t.Fatalf("Finish: %v, want the mistyped variable named", err)
	}
	if c.StreamReplicas != 3 {
		t.Errorf("stream replicas %d, want 3 from the environment", c.StreamReplicas)
	}
	fs = flag.NewFlagSet("y", flag.ContinueOnError)
	var p int
	if err := IntVar(fs, &p, "n", env(map[string]string{"N": "12"}), "N", 4, ""); err != nil || p != 12 {
		t.Errorf("IntVar: %d, %v; want 12 from the environment", p, err)
	}
}
