package bus_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// TestRedeliveredLogsOnceAndCounts: a burst of redelivered messages (a dead
// replica's window) leaves one log line and a count per message; first
// deliveries leave neither.
func TestRedeliveredLogsOnceAndCounts(t *testing.T) {
	var logs bytes.Buffer
	met := telemetry.NewMetrics()
	h := bus.Chain(func(context.Context, *bus.Msg, *bus.Outbox) error { return nil },
		bus.Redelivered("sink", zerolog.New(&logs), met))
	for _, delivered := range []uint64{1, 2, 3, 2, 1} {
		if err := h(context.Background(), &bus.Msg{Subject: "synthdesk.v1.accepted.0", Delivered: delivered}, &bus.Outbox{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := testutil.ToFloat64(met.Redeliveries.WithLabelValues("sink")); got != 3 {
		t.Errorf("redeliveries counted %v, want 3", got)
	}
	if n := strings.Count(logs.String(), "delivered again"); n != 1 {
		t.Errorf("%d log lines for one burst, want 1:\n%s", n, logs.String())
	}
}
