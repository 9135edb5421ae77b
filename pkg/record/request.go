package record

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Request is a generation request: what a user publishes to start a job.
// Zero values mean "use the default"; ApplyDefaults fills them.
type Request struct {
	// JobID is optional; the intake assigns one when it is empty.
	JobID string `json:"job_id,omitempty"`
	// Samples is the number of accepted conversations to deliver.
	Samples int `json:"samples,omitempty"`
	// Intents maps intent names to relative weights; empty means uniform
	// over the taxonomy.
	Intents map[string]float64 `json:"intents,omitempty"`
	// Seed makes the job reproducible; nil means the intake picks one and
	// records it in the job and the manifest.
	Seed  *int64    `json:"seed,omitempty"`
	LLM   LLM       `json:"llm,omitempty"`
	Noise Noise     `json:"noise,omitempty"`
	Turns TurnRange `json:"turns,omitempty"`
	Split Split     `json:"split,omitempty"`
	// Quality configures the quality gate.
	Quality Quality `json:"quality,omitempty"`
	// Output is a local directory or s3://bucket/prefix; empty means the
	// sink's configured default.
	Output string `json:"output,omitempty"`
	// Labels are free-form key/values copied to the manifest.
	Labels map[string]string `json:"labels,omitempty"`
	// Experiment and Variant name what a job is a variant of, so that
	// evaluations and reports comparing jobs say what they compare; both
	// are copied to the manifest (at most MaxNameLabel characters).
	Experiment string `json:"experiment,omitempty"`
	Variant    string `json:"variant,omitempty"`
	// Taxonomy is an inline taxonomy document (YAML or JSON); empty means
	// the services' configured taxonomy.
	Taxonomy string `json:"taxonomy,omitempty"`
	// NoProgressSeconds ends the job as failed when no stage moved for
	// that long; 0 means the sink's default (5 minutes).
	NoProgressSeconds int `json:"no_progress_seconds,omitempty"`
}

// LLM selects the generation backend for a job, within the generator's
// configured defaults and model allow-list.
type LLM struct {
	// Backend is "offline", "ollama" or "openai"; empty means the
	// generator's default.
	Backend     string   `json:"backend,omitempty"`
	Model       string   `json:"model,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	// PerCall is the number of conversations asked for in one LLM call.
	PerCall int `json:"per_call,omitempty"`
	// PriceIn and PriceOut are what the model costs per million prompt
	// and completion tokens; with them the job reports its cost. Unset,
	// the generator's price for the model applies, if any.
	PriceIn  *float64 `json:"price_in,omitempty"`
	PriceOut *float64 `json:"price_out,omitempty"`
}

// Noise selects the noise applied to customer turns.
type Noise struct {
	// Profile is none, light, realistic or heavy (default realistic).
	Profile string `json:"profile,omitempty"`
	// Rates overrides the profile's rate of individual injectors.
	Rates map[string]float64 `json:"rates,omitempty"`
	// FlipPolicy says what happens when noise changes the rule label:
	// keep (keep the clean label, flag noise_flip), drop (remove the noise)
	// or reject. Default drop.
	FlipPolicy string `json:"flip_policy,omitempty"`
}

// TurnRange bounds the number of turns of each conversation.
type TurnRange struct {
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
}

// Split gives the train/validation/test ratios; they must add up to 1.
type Split struct {
	Train      float64 `json:"train,omitempty"`
	Validation float64 `json:"validation,omitempty"`
	Test       float64 `json:"test,omitempty"`
}

// Quality configures the quality gate for a job.
type Quality struct {
	// Disagreement is what happens when the rule label differs from the
	// requested intent: reject (default), relabel, or keep (with a flag).
	Disagreement string `json:"disagreement,omitempty"`
	// MinConfidence is the confidence under which a record is rejected.
	MinConfidence *float64 `json:"min_confidence,omitempty"`
	// NearDuplicate is the estimated Jaccard similarity of customer text
	// at or above which a record is a near duplicate (default 0.85; 1
	// disables near-duplicate detection).
	NearDuplicate float64 `json:"near_duplicate,omitempty"`
	// DedupWindow bounds duplicate detection, and the memory it takes, to
	// recent accepted records: a record is compared with at least the
	// DedupWindow and at most twice that many records accepted before it,
	// so jobs of up to twice the window are deduplicated whole. -1
	// compares every record with the whole job. Default
	// DefaultDedupWindow.
	DedupWindow int `json:"dedup_window,omitempty"`
	// PII is scrub (default) or reject.
	PII string `json:"pii,omitempty"`
	// RetryBudget is how many regenerations the job may spend; default
	// max(100, samples/2).
	RetryBudget int `json:"retry_budget,omitempty"`
	// KeepRejected also writes rejected records beside the accepted ones.
	KeepRejected bool `json:"keep_rejected,omitempty"`
	// MinScore rejects records an LLM judge scores under it (1-5); it
	// applies only when the validators have a judge configured. 0 keeps
	// every score.
	MinScore float64 `json:"min_score,omitempty"`
}

// Limits are the operator's bounds on requests.
type Limits struct {
	MaxSamples int
}

// Defaults of a request.
const (
	DefaultSamples       = 10000
	DefaultMinTurns      = 2
	DefaultMaxTurns      = 6
	MaxTurnsLimit        = 40
	DefaultNearDuplicate = 0.85
	// DefaultDedupWindow deduplicates jobs of up to a million records
	// whole and bounds the validator's duplicate index to a million
	// entries (about 117 MB) beyond.
	DefaultDedupWindow   = 500_000
	DefaultMinConfidence = 0.0
	DefaultNoiseProfile  = "realistic"
	// MaxNameLabel bounds experiment and variant names.
	MaxNameLabel = 128
)

var jobIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// FieldError is a request problem tied to the JSON field it comes from.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// ErrInvalidRequest wraps every request validation failure.
var ErrInvalidRequest = errors.New("invalid generation request")

// ApplyDefaults fills every zero field with its default.
func (r *Request) ApplyDefaults() {
	if r.Samples == 0 {
		r.Samples = DefaultSamples
	}
	if r.Turns.Min == 0 {
		r.Turns.Min = DefaultMinTurns
	}
	if r.Turns.Max == 0 {
		r.Turns.Max = max(DefaultMaxTurns, r.Turns.Min)
	}
	if r.Split == (Split{}) {
		r.Split = Split{Train: 0.8, Validation: 0.1, Test: 0.1}
	}
	if r.Noise.Profile == "" {
		r.Noise.Profile = DefaultNoiseProfile
	}
	if r.Noise.FlipPolicy == "" {
		r.Noise.FlipPolicy = "drop"
	}
	if r.Quality.Disagreement == "" {
		r.Quality.Disagreement = "reject"
	}
	if r.Quality.NearDuplicate == 0 {
		r.Quality.NearDuplicate = DefaultNearDuplicate
	}
	if r.Quality.DedupWindow == 0 {
		r.Quality.DedupWindow = DefaultDedupWindow
	}
	if r.Quality.PII == "" {
		r.Quality.PII = "scrub"
	}
	if r.Quality.MinConfidence == nil {
		v := DefaultMinConfidence
		r.Quality.MinConfidence = &v
	}
	if r.Quality.RetryBudget == 0 {
		r.Quality.RetryBudget = max(100, r.Samples/2)
	}
}

// Validate reports every problem of a defaulted request at once, each
// naming its field. intents are the names of the job's taxonomy; noise
// injector names are checked by the caller that knows them.
func (r *Request) Validate(lim Limits, intents []string) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if r.JobID != "" && !jobIDPattern.MatchString(r.JobID) {
		bad("job_id", "%q must be 1-64 letters, digits, '-' or '_'", r.JobID)
	}
	if r.NoProgressSeconds < 0 {
		bad("no_progress_seconds", "must be 0 (the default) or more, got %d", r.NoProgressSeconds)
	}
	if r.Samples < 1 {
		bad("samples", "must be at least 1, got %d", r.Samples)
	} else if lim.MaxSamples > 0 && r.Samples > lim.MaxSamples {
		bad("samples", "%d is over this cluster's maximum of %d", r.Samples, lim.MaxSamples)
	}
	known := make(map[string]bool, len(intents))
	for _, n := range intents {
		known[n] = true
	}
	var total float64
	for _, name := range sortedKeys(r.Intents) {
		w := r.Intents[name]
		if !known[name] {
			bad("intents."+name, "unknown intent; the taxonomy has: %s", strings.Join(intents, ", "))
		}
		if !(w >= 0) || w > 1e9 {
			bad("intents."+name, "weight must be a number from 0 to 1e9, got %v", w)
		}
		total += w
	}
	if len(r.Intents) > 0 && total <= 0 {
		bad("intents", "weights add up to 0; give at least one intent a positive weight")
	}
	switch r.LLM.Backend {
	case "", "offline", "ollama", "openai":
	default:
		bad("llm.backend", "%q is not one of offline, ollama, openai", r.LLM.Backend)
	}
	if t := r.LLM.Temperature; t != nil && !(*t >= 0 && *t <= 2) {
		bad("llm.temperature", "must be from 0 to 2, got %v", *t)
	}
	if p := r.LLM.TopP; p != nil && !(*p > 0 && *p <= 1) {
		bad("llm.top_p", "must be in (0, 1], got %v", *p)
	}
	if r.LLM.MaxTokens < 0 || r.LLM.MaxTokens > 131072 {
		bad("llm.max_tokens", "must be from 0 to 131072, got %d", r.LLM.MaxTokens)
	}
	if r.LLM.PerCall < 0 || r.LLM.PerCall > 50 {
		bad("llm.per_call", "must be from 0 to 50, got %d", r.LLM.PerCall)
	}
	for _, f := range []struct {
		field string
		p     *float64
	}{{"llm.price_in", r.LLM.PriceIn}, {"llm.price_out", r.LLM.PriceOut}} {
		if f.p != nil && !(*f.p >= 0 && *f.p <= 1e6) {
			bad(f.field, "price per million tokens must be from 0 to 1e6, got %v", *f.p)
		}
	}
	for _, name := range sortedKeys(r.Noise.Rates) {
		if v := r.Noise.Rates[name]; !(v >= 0 && v <= 1) {
			bad("noise.rates."+name, "rate must be from 0 to 1, got %v", v)
		}
	}
	oneOf(bad, "noise.flip_policy", r.Noise.FlipPolicy, "keep", "drop", "reject")
	if r.Turns.Min < 1 || r.Turns.Min > MaxTurnsLimit {
		bad("turns.min", "must be from 1 to %d, got %d", MaxTurnsLimit, r.Turns.Min)
	}
	if r.Turns.Max < r.Turns.Min || r.Turns.Max > MaxTurnsLimit {
		bad("turns.max", "must be from turns.min (%d) to %d, got %d", r.Turns.Min, MaxTurnsLimit, r.Turns.Max)
	}
	s := r.Split
	if s.Train < 0 || s.Validation < 0 || s.Test < 0 || abs(s.Train+s.Validation+s.Test-1) > 1e-6 {
		bad("split", "train, validation and test must be non-negative and add up to 1, got %v+%v+%v", s.Train, s.Validation, s.Test)
	}
	q := r.Quality
	oneOf(bad, "quality.disagreement", q.Disagreement, "reject", "relabel", "keep")
	oneOf(bad, "quality.pii", q.PII, "scrub", "reject")
	if c := q.MinConfidence; c != nil && !(*c >= 0 && *c <= 1) {
		bad("quality.min_confidence", "must be from 0 to 1, got %v", *c)
	}
	if !(q.NearDuplicate > 0 && q.NearDuplicate <= 1) {
		bad("quality.near_duplicate", "must be in (0, 1], got %v", q.NearDuplicate)
	}
	if !(q.MinScore >= 0 && q.MinScore <= 5) {
		bad("quality.min_score", "must be from 0 to 5, got %v", q.MinScore)
	}
	if q.DedupWindow < -1 {
		bad("quality.dedup_window", "must be positive, or -1 for the whole job, got %d", q.DedupWindow)
	}
	if q.RetryBudget < 0 {
		bad("quality.retry_budget", "must not be negative, got %d", q.RetryBudget)
	}
	if r.Output != "" && strings.HasPrefix(r.Output, "s3://") {
		if rest := strings.TrimPrefix(r.Output, "s3://"); rest == "" || strings.HasPrefix(rest, "/") {
			bad("output", "%q must be s3://bucket[/prefix]", r.Output)
		}
	}
	for k := range r.Labels {
		if k == "" || len(k) > 128 {
			bad("labels", "keys must be 1-128 characters")
			break
		}
	}
	checkSizes(r, bad)
	nameLabel(bad, "experiment", r.Experiment)
	nameLabel(bad, "variant", r.Variant)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidRequest, errors.Join(errs...))
}

// nameLabel checks an experiment or variant name: printable text of at
// most MaxNameLabel characters.
func nameLabel(bad func(string, string, ...any), field, v string) {
	if utf8.RuneCountInString(v) > MaxNameLabel {
		bad(field, "must be at most %d characters, got %d", MaxNameLabel, utf8.RuneCountInString(v))
	}
	if !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		bad(field, "%q must be printable text without control characters", v)
	}
}

func oneOf(bad func(string, string, ...any), field, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	bad(field, "%q is not one of %s", v, strings.Join(allowed, ", "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
