package remote_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/remote"
)

// BenchmarkSaturation drives a simulator of 32 slots x 200ms (160 calls/s)
// with one limiter-wrapped backend allowed 64 calls in flight, and reports
// how busy the server's slots were in steady state, the share of 429s, and
// how many requested conversations were lost (never answered).
func BenchmarkSaturation(b *testing.B) {
	tests := []struct {
		name      string
		sim       llmsim.Config
		tolerance float64
	}{
		{name: "overflow=429", sim: llmsim.Config{Overflow: llmsim.Overflow429}},
		{name: "overflow=queue+20pct_429/tolerance=0", sim: llmsim.Config{Overflow: llmsim.OverflowQueue,
			FaultRate: 0.2, Faults: []llmsim.Fault{llmsim.Fault429}}},
		{name: "overflow=queue+20pct_429/tolerance=0.3", sim: llmsim.Config{Overflow: llmsim.OverflowQueue,
			FaultRate: 0.2, Faults: []llmsim.Fault{llmsim.Fault429}}, tolerance: 0.3},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			cfg := tc.sim
			cfg.Capacity, cfg.Latency, cfg.Jitter, cfg.Seed = 32, 200*time.Millisecond, 20*time.Millisecond, 1
			srv, sim := startSim(b, cfg)
			be, err := remote.NewOpenAI(remote.Config{BaseURL: srv.URL + "/v1", Model: "sim-small",
				HTTPClient: remote.NewHTTPClient(64), Timeout: 10 * time.Second, Render: render})
			if err != nil {
				b.Fatal(err)
			}
			l := llm.NewLimiter(be, llm.LimitConfig{MinInFlight: 4, MaxInFlight: 64, InitialInFlight: 8, CongestionTolerance: tc.tolerance, Backoff: 0.95,
				Retry: llm.RetryConfig{Attempts: 100, Base: 10 * time.Millisecond, Max: 200 * time.Millisecond}})
			for range b.N {
				runSaturation(b, l, sim)
			}
		})
	}
}

func runSaturation(b *testing.B, l *llm.Limiter, sim *llmsim.Sim) {
	const warmup, window = 1500 * time.Millisecond, 2500 * time.Millisecond
	ctx := context.Background()
	call := specs(b, "track_order", "get_refund")
	var stop atomic.Bool
	var asked, answered, failed atomic.Int64
	var wg sync.WaitGroup
	for range 96 {
		wg.Go(func() {
			for !stop.Load() {
				res, err := l.Generate(ctx, call)
				asked.Add(int64(len(call.Specs)))
				if err != nil {
					failed.Add(int64(len(call.Specs)))
					continue
				}
				for _, d := range res.Drafts {
					if d.Err == nil {
						answered.Add(1)
					}
				}
			}
		})
	}
	<-time.After(warmup)
	s1, t1 := sim.Stats(), time.Now()
	<-time.After(window)
	s2, t2 := sim.Stats(), time.Now()
	stop.Store(true)
	wg.Wait()
	busy := (s2.BusySlotSeconds - s1.BusySlotSeconds) / (float64(s2.Capacity) * t2.Sub(t1).Seconds())
	rejected := s2.Served["overflow_429"] + s2.Served["429"]
	limit, _ := l.InFlight()
	b.ReportMetric(busy, "slot_busy_ratio")
	b.ReportMetric(float64(rejected)/float64(s2.Requests), "share_429")
	b.ReportMetric(float64(s2.Served["ok"]-s1.Served["ok"])/t2.Sub(t1).Seconds(), "ok_calls/s")
	b.ReportMetric(limit, "final_limit")
	b.ReportMetric(float64(asked.Load()-answered.Load()), "lost_conversations")
	if failed.Load() > 0 || asked.Load() != answered.Load() {
		b.Errorf("asked %d conversations, answered %d, %d in failed calls", asked.Load(), answered.Load(), failed.Load())
	}
}
