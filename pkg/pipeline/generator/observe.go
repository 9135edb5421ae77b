package generator

import (
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
