// Package telemetry holds what every process exposes to operators: the
// Prometheus metrics, the HTTP endpoint serving them with health and
// readiness probes, and the logger.
package telemetry

import "github.com/prometheus/client_golang/prometheus"

// Metrics are synthdesk's Prometheus metrics. Every process registers the
// same set, so dashboards work whichever stages a process runs.
type Metrics struct {
	Registry       *prometheus.Registry
	MessagesIn     *prometheus.CounterVec
	MessagesOut    *prometheus.CounterVec
	Decisions      *prometheus.CounterVec
	Rejections     *prometheus.CounterVec
	HandlerSeconds *prometheus.HistogramVec
	DeadLetters    *prometheus.CounterVec
	LLMCalls       *prometheus.CounterVec
	LLMTokens      *prometheus.CounterVec
	LLMCallSeconds *prometheus.HistogramVec
	SinkBatchRows  prometheus.Histogram
	UploadBytes    prometheus.Counter
	UploadSeconds  prometheus.Histogram
	Pending        *prometheus.GaugeVec
	// JobsStopped counts jobs ended before admission was over, by status
	// (failed, cancelled) and the stage named as the cause.
	JobsStopped *prometheus.CounterVec
	// FinalizeRetries counts finalizations of a job that failed and are
	// tried again.
	FinalizeRetries prometheus.Counter
	// Redeliveries counts messages delivered again after a replica died,
	// gave them back or let their ack wait run out.
	Redeliveries *prometheus.CounterVec
	// Undecodable counts stored messages a stage read back, could not
	// decode and skipped, by stage and stream: rejected records the sink
	// could not list in the rejected parts, dead letters the validator
	// could not turn into rejections (their slots are not regenerated).
	Undecodable *prometheus.CounterVec
}

// NewMetrics creates and registers the metrics on a fresh registry.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		MessagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_messages_in_total", Help: "Messages a stage received (between generator, classifier and validator, one task's records each).",
		}, []string{"stage"}),
		MessagesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_messages_out_total", Help: "Messages a stage settled, by outcome (ok, retry, dead).",
		}, []string{"stage", "outcome"}),
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_decisions_total", Help: "Records the quality gate decided, by outcome (accepted, rejected, abandoned).",
		}, []string{"outcome"}),
		Rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_rejections_total", Help: "Records rejected by the quality gate, by reason.",
		}, []string{"reason"}),
		HandlerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "synthdesk_handler_seconds", Help: "Handler latency.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"stage"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_dead_letters_total", Help: "Messages sent to the dead-letter subject.",
		}, []string{"stage"}),
		LLMCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_llm_calls_total", Help: "LLM calls by backend and outcome.",
		}, []string{"backend", "outcome"}),
		LLMTokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_llm_tokens_total", Help: "LLM tokens by backend and kind (prompt, completion).",
		}, []string{"backend", "kind"}),
		LLMCallSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "synthdesk_llm_call_seconds", Help: "LLM call latency.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}, []string{"backend"}),
		SinkBatchRows: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "synthdesk_sink_batch_rows", Help: "Rows per written Parquet part.", Buckets: prometheus.ExponentialBuckets(100, 4, 8),
		}),
		UploadBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "synthdesk_sink_upload_bytes_total", Help: "Bytes written to the store.",
		}),
		UploadSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "synthdesk_sink_upload_seconds", Help: "Store write latency.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		Pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "synthdesk_consumer_pending", Help: "Messages waiting in a stage's consumer.",
		}, []string{"stage"}),
		JobsStopped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_jobs_stopped_total", Help: "Jobs ended before admission was over, by status (failed, cancelled) and stage named as the cause.",
		}, []string{"status", "stage"}),
		FinalizeRetries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "synthdesk_finalize_retries_total", Help: "Job finalizations that failed and are tried again.",
		}),
		Redeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_redeliveries_total", Help: "Messages a stage received more than once (a replica died, gave them back, or their ack wait ran out).",
		}, []string{"stage"}),
		Undecodable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synthdesk_undecodable_total", Help: "Stored messages a stage read back, could not decode and skipped, by stage and stream.",
		}, []string{"stage", "stream"}),
	}
	r.MustRegister(m.MessagesIn, m.MessagesOut, m.Decisions, m.Rejections, m.HandlerSeconds, m.DeadLetters,
		m.LLMCalls, m.LLMTokens, m.LLMCallSeconds, m.SinkBatchRows, m.UploadBytes, m.UploadSeconds, m.Pending,
		m.JobsStopped, m.FinalizeRetries, m.Redeliveries, m.Undecodable)
	return m
}
