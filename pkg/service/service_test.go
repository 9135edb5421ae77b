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
