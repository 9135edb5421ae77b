package service

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

// A service started with settings other than the cluster's leaves the
// streams as they are and logs the difference.
func TestServiceStartWarnsAboutDriftAndChangesNothing(t *testing.T) {
	srv := bustest.Server(t)
	bustest.Conn(t, srv) // the topology as the services create it
	js := bustest.JetStream(t, srv)
	ctx := context.Background()
	st, err := js.Stream(ctx, bus.StreamLedger)
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxAge = 90 * 24 * time.Hour
	if _, err := js.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	conn, err := connect(ctx, Common{NATS: bus.Config{URL: srv.ClientURL()}, StreamReplicas: 1}, zerolog.New(&logs))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st, err = js.Stream(ctx, bus.StreamLedger)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().Config.MaxAge; got != 90*24*time.Hour {
		t.Errorf("ledger max age %s after a service start, want the operator's 2160h", got)
	}
	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"stream":"SYNTHDESK_LEDGER"`) {
			line = l
		}
	}
	for _, want := range []string{`"level":"warn"`, `"setting":"max_age"`, `"on_server":"2160h0m0s"`, `"wanted":"168h0m0s"`, "admin topology"} {
		if !strings.Contains(line, want) {
			t.Errorf("drift warning %q lacks %s; logs:\n%s", line, want, logs.String())
		}
	}
}

// syncBuffer is a log sink safe to read while the logger writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A service started before JetStream is ready says so in its log and
// goes on once it is.
func TestServiceStartWaitsForJetStreamAndSaysSo(t *testing.T) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	var logs syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		conn, err := connect(ctx, Common{NATS: bus.Config{URL: srv.ClientURL()}, StreamReplicas: 1}, zerolog.New(&logs))
		if err == nil {
			conn.Close()
		}
		done <- err
	}()
	bustest.Eventually(t, 30*time.Second, func() bool {
		return strings.Contains(logs.String(), "waiting for JetStream: the server or cluster is not ready yet")
	}, "a log line about the wait")
	if err := srv.EnableJetStream(&server.JetStreamConfig{StoreDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("service start after JetStream came up: %v", err)
	}
}
