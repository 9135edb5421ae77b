package bus_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// BenchmarkHop measures one stage hop: consume a message, publish one
// downstream, ack after the publish is stored. Reports messages/s.
func BenchmarkHop(b *testing.B) {
	srv := bustest.Server(b)
	c := bustest.Conn(b, srv)
	payload := make([]byte, 2048)
	var out bus.Outbox
	for i := range b.N {
		out.Add(bus.SubjectClassify, fmt.Sprint("in-", i), payload)
		if out.Len() == 1000 || i == b.N-1 {
			if err := c.PublishAll(context.Background(), &out); err != nil {
				b.Fatal(err)
			}
			out = bus.Outbox{}
		}
	}
	consumer := bustest.Conn(b, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{}, b.N)
	h := func(ctx context.Context, m *bus.Msg, o *bus.Outbox) error {
		o.Add(bus.SubjectValidate, "out-"+string(m.Data[:0])+fmt.Sprint(len(done)), m.Data)
		done <- struct{}{}
		return nil
	}
	met := telemetry.NewMetrics()
	h = bus.Chain(h, bus.Observe("bench", zerolog.Nop(), met))
	b.ResetTimer()
	start := time.Now()
	go func() {
		_ = consumer.Run(ctx, bus.ConsumerSpec{Stage: "bench", Stream: bus.StreamClassify, Durable: "bench", MaxAckPending: 512, Concurrency: 8}, h)
	}()
	for range b.N {
		<-done
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
