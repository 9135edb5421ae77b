package service

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

// A service started with settings other than the cluster's leaves the
// streams as they are and logs the difference.
func TestServiceStartWarnsAboutDriftAndChangesNothing(t *testing.T) {
	srv := bustest.Server(t)
	admin := bustest.Conn(t, srv)
	ctx := context.Background()
	st, err := admin.JS.Stream(ctx, bus.StreamLedger)
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxAge = 90 * 24 * time.Hour
	if _, err := admin.JS.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	conn, err := connect(ctx, Common{NATS: bus.Config{URL: srv.ClientURL()}, StreamReplicas: 1}, zerolog.New(&logs))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st, err = admin.JS.Stream(ctx, bus.StreamLedger)
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
