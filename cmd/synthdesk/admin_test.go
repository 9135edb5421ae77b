package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := dispatch(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func ledgerAge(t *testing.T, js jetstream.JetStream) time.Duration {
	t.Helper()
	st, err := js.Stream(context.Background(), bus.StreamLedger)
	if err != nil {
		t.Fatal(err)
	}
	return st.CachedInfo().Config.MaxAge
}

func TestClientOnServerWithoutTopology(t *testing.T) {
	srv := bustest.Server(t)
	code, _, stderr := runCLI(t, "status", "--nats", srv.ClientURL(), "j0000000000000")
	if code != 1 || !strings.Contains(stderr, "no synthdesk streams on this server: start the services or run `synthdesk admin topology --apply`") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	js := bustest.JetStream(t, srv)
	for _, name := range []string{bus.StreamGenerate, bus.StreamLedger} {
		if _, err := js.Stream(context.Background(), name); err == nil {
			t.Errorf("status created stream %s", name)
		}
	}
}

func TestAdminTopologyShowsThenApplies(t *testing.T) {
	srv := bustest.Server(t)
	bustest.Conn(t, srv) // the topology as the services create it
	js := bustest.JetStream(t, srv)
	st, err := js.Stream(context.Background(), bus.StreamLedger)
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxAge = time.Hour
	if _, err := js.UpdateStream(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	url := srv.ClientURL()
	if code, _, stderr := runCLI(t, "status", "--nats", url, "--stream-replicas", "1", "jmissing"); code != 1 || !strings.Contains(stderr, "job not found") {
		t.Fatalf("status: exit %d, %s", code, stderr)
	}
	if got := ledgerAge(t, js); got != time.Hour {
		t.Fatalf("status changed the ledger's max age to %s", got)
	}
	code, stdout, stderr := runCLI(t, "admin", "topology", "--nats", url, "--replicas", "1")
	if code != 0 || !strings.Contains(stdout, "SYNTHDESK_LEDGER max_age: 1h0m0s on the server, 168h0m0s wanted") || !strings.Contains(stdout, "--apply") {
		t.Fatalf("admin topology: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if got := ledgerAge(t, js); got != time.Hour {
		t.Fatalf("admin topology without --apply changed the ledger to %s", got)
	}
	code, stdout, stderr = runCLI(t, "admin", "topology", "--nats", url, "--replicas", "1", "--apply")
	if code != 0 || !strings.Contains(stdout, "applied 1 changes") {
		t.Fatalf("admin topology --apply: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if got := ledgerAge(t, js); got != 7*24*time.Hour {
		t.Errorf("ledger max age %s after --apply, want 168h", got)
	}
	if _, stdout, _ = runCLI(t, "admin", "topology", "--nats", url); !strings.Contains(stdout, "topology matches") {
		t.Errorf("after apply: %s", stdout)
	}
}
