package pipeline

import (
	"context"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// LLMObserver exports every LLM call's outcome, tokens and latency as
// Prometheus metrics under the backend's name.
type LLMObserver struct {
	Backend string
	Metrics *telemetry.Metrics
}

// ObserveCall implements llm.Observer.
func (o LLMObserver) ObserveCall(kind llm.ErrorKind, u llm.Usage, d time.Duration) {
	outcome := string(kind)
	if kind == llm.KindOK || outcome == "" {
		outcome = "ok"
	}
	o.Metrics.LLMCalls.WithLabelValues(o.Backend, outcome).Inc()
	o.Metrics.LLMTokens.WithLabelValues(o.Backend, "prompt").Add(float64(u.PromptTokens))
	o.Metrics.LLMTokens.WithLabelValues(o.Backend, "completion").Add(float64(u.CompletionTokens))
	o.Metrics.LLMCallSeconds.WithLabelValues(o.Backend).Observe(d.Seconds())
}

// WatchPending publishes the number of messages waiting for a stage's
// consumer (synthdesk_consumer_pending) every few seconds until ctx ends.
func WatchPending(ctx context.Context, cfg *Config, stage, stream, durable string) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	g := cfg.Metrics.Pending.WithLabelValues(stage)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cons, err := cfg.Conn.JS.Consumer(ctx, stream, durable)
		if err != nil {
			continue
		}
		info, err := cons.Info(ctx)
		if err != nil {
			continue
		}
		g.Set(float64(info.NumPending + uint64(info.NumAckPending)))
	}
}
