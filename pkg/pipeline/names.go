package pipeline

import "strings"

// Counter names one per-job figure. Writers (the stages) and readers (the
// sink's manifest and stuck-job diagnosis, the CLI's progress and summary)
// use these names, so a figure cannot be written under one spelling and
// read under another.
type Counter string

// Work counters, summed over replicas.
const (
	// Generator.
	CounterGenerated        Counter = "generated"
	CounterGenerationFailed Counter = "generation_failed"
	CounterLLMCalls         Counter = "llm_calls"
	CounterLLMRetries       Counter = "llm_retries"
	CounterPromptTokens     Counter = "prompt_tokens"
	CounterCompletionTokens Counter = "completion_tokens"
	CounterLLMMillis        Counter = "llm_millis"
	// CounterTokensEstimated is set when some call's tokens were estimated
	// because the server reported none.
	CounterTokensEstimated Counter = "tokens_estimated"
	// CounterCost is a job's cost in billionths of the currency its prices
	// are in; present only when a price is known.
	CounterCost Counter = "cost_nanos"

	// Classifier.
	CounterLabeled Counter = "labeled"
	CounterNoised  Counter = "noised"

	// Sink: rows and parts written (replaced by the part records' exact
	// figures when read through StageCounts).
	CounterRows  Counter = "rows"
	CounterParts Counter = "parts"
)

// Ledger figures, set by the validator from its ledger and merged by
// maximum over replicas.
const (
	CounterAccepted    Counter = "accepted"
	CounterRegenerated Counter = "regenerated"
	CounterAbandoned   Counter = "abandoned"
)

// Counter families: one counter per kind, reason or policy.
const (
	prefixLLMError   = "llm_error_"
	prefixRejected   = "rejected_"
	prefixNoiseFlips = "noise_flips_"
)

// CounterLLMError counts LLM calls that failed with kind.
func CounterLLMError(kind string) Counter { return Counter(prefixLLMError + kind) }

// CounterRejected counts records rejected for reason.
func CounterRejected(reason string) Counter { return Counter(prefixRejected + reason) }

// CounterNoiseFlips counts labels noise changed, under the job's policy.
func CounterNoiseFlips(policy string) Counter { return Counter(prefixNoiseFlips + policy) }

// LLMErrorKind is the error kind of a CounterLLMError name.
func (c Counter) LLMErrorKind() (string, bool) { return strings.CutPrefix(string(c), prefixLLMError) }

// RejectedReason is the reason of a CounterRejected name.
func (c Counter) RejectedReason() (string, bool) { return strings.CutPrefix(string(c), prefixRejected) }
