// Package bustest starts real NATS servers for tests: one embedded
// nats-server with JetStream per test, on a random loopback port, with its
// store in the test's temporary directory.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/embedded"
)

// Server starts an embedded NATS server with JetStream and returns it; it
// is shut down when the test ends.
func Server(t testing.TB) *server.Server {
	t.Helper()
	return ServerWith(t, embedded.Config{})
}

// ServerWith is Server with options (auth); StoreDir and Listen are set.
func ServerWith(t testing.TB, cfg embedded.Config) *server.Server {
	t.Helper()
	cfg.StoreDir = t.TempDir()
	cfg.Listen = true
	s, err := embedded.Start(cfg)
	if err != nil {
		t.Fatalf("start nats: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// Conn connects to s, ensures the topology (file storage, one replica) and
// closes the connection when the test ends.
func Conn(t testing.TB, s *server.Server) *bus.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), Name: t.Name()})
	if err != nil {
		t.Fatalf("connect nats: %v", err)
	}
	t.Cleanup(c.Close)
	if err := c.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
		t.Fatalf("ensure topology: %v", err)
	}
	return c
}

// JetStream is a raw JetStream client of s, for tests that inspect or
// tamper with streams and consumers behind the stages' back (bus.Conn
// offers only the operations the stages need). Closed when the test ends.
func JetStream(t testing.TB, s *server.Server) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(s.ClientURL(), nats.Name(t.Name()+"-raw"))
	if err != nil {
		t.Fatalf("connect nats: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	return js
}

// Eventually polls cond every 10ms until it returns true or the deadline
// passes, then fails the test with msg.
func Eventually(t testing.TB, within time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
