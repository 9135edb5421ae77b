package validator

import (
	"bytes"
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// TestDeadLetterNotDecoded acks a dead letter whose body does not decode,
// since no retry can decode it, and logs and counts it when it should
// have named slots.
func TestDeadLetterNotDecoded(t *testing.T) {
	tests := []struct {
		name     string
		stage    string
		wantSeen bool
	}{
		{name: "generator task", stage: pipeline.StageGenerator, wantSeen: true},
		{name: "classifier batch", stage: pipeline.StageClassifier, wantSeen: true},
		{name: "another stage's message is left alone", stage: pipeline.StageSink, wantSeen: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			met := telemetry.NewMetrics()
			g := &gate{cfg: &settings{Deps: pipeline.Deps{Log: zerolog.New(&logged), Metrics: met}}, met: met}
			m := &bus.Msg{Subject: bus.DeadSubject(tt.stage), Data: []byte("{not json"), Delivered: 1,
				Header: map[string][]string{bus.HeaderStage: {tt.stage}, bus.HeaderReason: {"poisoned"}}}
			var out bus.Outbox
			if err := g.deadLetter(context.Background(), m, &out); err != nil {
				t.Fatalf("deadLetter: %v, want nil (ack)", err)
			}
			seen := testutil.ToFloat64(met.Undecodable.WithLabelValues(pipeline.StageValidator, bus.StreamDead))
			if (seen == 1) != tt.wantSeen || (logged.Len() > 0) != tt.wantSeen || out.Len() != 0 {
				t.Errorf("counted %v, logged %q, %d outputs; want counted and logged: %v, no outputs", seen, logged.String(), out.Len(), tt.wantSeen)
			}
		})
	}
}
