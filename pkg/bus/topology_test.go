package bus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

func connect(t *testing.T, s *server.Server, cfg bus.Config) *bus.Conn {
	t.Helper()
	cfg.URL = s.ClientURL()
	c, err := bus.Connect(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func streamConfig(t *testing.T, c *bus.Conn, name string) jetstream.StreamConfig {
	t.Helper()
	st, err := bus.JetStreamOf(c).Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st.CachedInfo().Config
}

// tune sets limits on an existing stream the way an operator would.
func tune(t *testing.T, c *bus.Conn, name string, edit func(*jetstream.StreamConfig)) jetstream.StreamConfig {
	t.Helper()
	cfg := streamConfig(t, c, name)
	edit(&cfg)
	if _, err := bus.JetStreamOf(c).UpdateStream(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return streamConfig(t, c, name)
}

func TestClientsAndServicesNeverChangeExistingStreams(t *testing.T) {
	s := bustest.Server(t)
	ctx := context.Background()
	admin := connect(t, s, bus.Config{Name: "admin"})
	if err := admin.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	// The operator keeps the ledger longer, bounds the dead letters and
	// widens the duplicate window of the work stream.
	ledger := tune(t, admin, bus.StreamLedger, func(c *jetstream.StreamConfig) { c.MaxAge = 60 * 24 * time.Hour })
	dead := tune(t, admin, bus.StreamDead, func(c *jetstream.StreamConfig) { c.MaxBytes = 64 << 20 })
	generate := tune(t, admin, bus.StreamGenerate, func(c *jetstream.StreamConfig) { c.Duplicates = 10 * time.Minute })

	client := connect(t, s, bus.Config{Name: "client"})
	if err := client.Bind(ctx); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if _, err := client.Jobs(); err != nil {
		t.Fatalf("jobs after bind: %v", err)
	}
	service := connect(t, s, bus.Config{Name: "service"})
	if err := service.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	for name, want := range map[string]jetstream.StreamConfig{bus.StreamLedger: ledger, bus.StreamDead: dead, bus.StreamGenerate: generate} {
		got := streamConfig(t, admin, name)
		if got.MaxAge != want.MaxAge || got.MaxBytes != want.MaxBytes || got.Duplicates != want.Duplicates || got.Replicas != want.Replicas {
			t.Errorf("%s changed by a client or service: %+v, want %+v", name, got, want)
		}
	}

	drift, err := service.Drift(ctx, bus.Topology{Replicas: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"SYNTHDESK_GENERATE duplicates: 10m0s on the server, 30s wanted",
		"SYNTHDESK_DEAD max_bytes: 67108864 on the server, unlimited wanted",
		"SYNTHDESK_LEDGER max_age: 1440h0m0s on the server, 168h0m0s wanted",
	}
	if got := changeLines(drift); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	applied, err := admin.ApplyTopology(ctx, bus.Topology{Replicas: 1})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if len(applied) != len(want) {
		t.Errorf("applied %v, want the %d drifted settings", changeLines(applied), len(want))
	}
	if got := streamConfig(t, admin, bus.StreamLedger).MaxAge; got != 7*24*time.Hour {
		t.Errorf("ledger max age %s after apply, want 168h", got)
	}
	if drift, _ := admin.Drift(ctx, bus.Topology{Replicas: 1}); len(drift) != 0 {
		t.Errorf("drift after apply: %v", changeLines(drift))
	}
}

func TestDriftReportsReplicasWithoutLoweringThem(t *testing.T) {
	s := bustest.Server(t)
	ctx := context.Background()
	c := connect(t, s, bus.Config{})
	if err := c.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	// A single server holds R1 streams; a cluster's R3 topology asks for 3.
	drift, err := c.Drift(ctx, bus.Topology{Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	replicas := 0
	for _, ch := range drift {
		if ch.Field == "replicas" && ch.Actual == "1" && ch.Desired == "3" {
			replicas++
		}
	}
	if replicas != 8 { // seven streams and the job store
		t.Errorf("replica differences %d, want 8: %v", replicas, changeLines(drift))
	}
	if err := c.Ensure(ctx, bus.Topology{Replicas: 3}); err != nil {
		t.Fatalf("ensure over existing streams: %v", err)
	}
	if r := streamConfig(t, c, bus.StreamAccepted).Replicas; r != 1 {
		t.Errorf("replicas %d after ensure, want the existing 1", r)
	}
}

func TestBindWithoutTopologyIsAClearError(t *testing.T) {
	s := bustest.Server(t)
	c := connect(t, s, bus.Config{})
	err := c.Bind(context.Background())
	if !errors.Is(err, bus.ErrNoTopology) || !strings.Contains(err.Error(), "synthdesk admin topology --apply") {
		t.Fatalf("bind on an empty server: %v", err)
	}
	if n := countStreams(t, c); n != 0 {
		t.Errorf("bind created %d streams", n)
	}
}

func countStreams(t *testing.T, c *bus.Conn) int {
	t.Helper()
	n := 0
	lister := bus.JetStreamOf(c).StreamNames(context.Background())
	for range lister.Name() {
		n++
	}
	if err := lister.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func changeLines(changes []bus.Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.String())
	}
	return out
}

func TestNotReadyClassification(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"jetstream not enabled", jetstream.ErrJetStreamNotEnabled, true},
		{"no responders", fmt.Errorf("create: %w", nats.ErrNoResponders), true},
		{"timeout", nats.ErrTimeout, true},
		{"attempt deadline", context.DeadlineExceeded, true},
		{"no meta leader", &jetstream.APIError{Code: 503, ErrorCode: 10008, Description: "JetStream system temporarily unavailable"}, true},
		{"peers not known yet", &jetstream.APIError{Code: 400, ErrorCode: 10005, Description: "insufficient resources"}, true},
		{"stream exists", jetstream.ErrStreamNameAlreadyInUse, false},
		{"not enabled for account", jetstream.ErrJetStreamNotEnabledForAccount, false},
		{"bad request", &jetstream.APIError{Code: 400, ErrorCode: 10003}, false},
		{"authorization", nats.ErrAuthorization, false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bus.NotReady(tc.err); got != tc.want {
				t.Errorf("NotReady(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// serverWithoutJetStream starts a NATS server with JetStream off, shut
// down when the test ends.
func serverWithoutJetStream(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	return s
}

// A service started before JetStream is up waits for it instead of
// exiting: the server here enables JetStream only after the first wait.
func TestConnectAndEnsureWaitForJetStream(t *testing.T) {
	s := serverWithoutJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL()}); !errors.Is(err, jetstream.ErrJetStreamNotEnabled) {
		t.Fatalf("client without Waiting: %v, want an immediate not-enabled error", err)
	}
	var waits atomic.Int32
	store := t.TempDir()
	waiting := func(what string, err error, retryIn time.Duration) {
		if waits.Add(1) == 1 {
			if err := s.EnableJetStream(&server.JetStreamConfig{StoreDir: store}); err != nil {
				t.Errorf("enable jetstream: %v", err)
			}
		}
	}
	c, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), Waiting: waiting})
	if err != nil {
		t.Fatalf("connect with Waiting: %v", err)
	}
	defer c.Close()
	if err := c.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	if waits.Load() == 0 {
		t.Error("no wait reported")
	}
}

// Waiting is bounded by the caller's context.
func TestWaitForJetStreamEndsWithContext(t *testing.T) {
	s := serverWithoutJetStream(t)
	ctx, cancel := context.WithCancel(context.Background())
	var waits atomic.Int32
	_, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), Waiting: func(string, error, time.Duration) {
		if waits.Add(1) == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, jetstream.ErrJetStreamNotEnabled) {
		t.Fatalf("connect after cancel: %v", err)
	}
}
