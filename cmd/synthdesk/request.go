package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// requestFlags build a generation request from flags; --request reads a
// JSON request that the other flags then override.
type requestFlags struct {
	file, intents, labels, out, taxonomy string
	samples, minTurns, maxTurns          int
	perCall, retryBudget, dedupWindow    int
	minScore, priceIn, priceOut          float64
	seed                                 int64
	backend, model, noise, disagreement  string
	temperature                          float64
	keepRejected                         bool
	experiment, variant                  string
	set                                  map[string]bool
	// remote keeps a relative --out as given: a cluster takes it inside
	// its output root, not in this machine's working folder.
	remote bool
}

// bind registers the flags; withLLM adds --llm and --model (run binds the
// embedded generator's own instead, which the request then inherits).
func (f *requestFlags) bind(fs *pflag.FlagSet, withLLM bool) {
	fs.StringVar(&f.file, "request", "", "JSON request file; other flags override its fields")
	fs.IntVar(&f.samples, "samples", record.DefaultSamples, "accepted conversations to deliver")
	fs.Int64Var(&f.seed, "seed", 0, "seed for a reproducible job (default: picked and recorded)")
	fs.StringVar(&f.intents, "intents", "", "intent weights, e.g. cancel_order=3,track_order=1 (default: uniform)")
	fs.StringVar(&f.out, "out", "", "output folder or s3://bucket/prefix")
	fs.StringVar(&f.taxonomy, "taxonomy", "", "taxonomy YAML file carried with the request")
	if withLLM {
		fs.StringVar(&f.backend, "llm", "", "generation backend: offline, ollama or openai")
		fs.StringVar(&f.model, "model", "", "model name for the backend")
	}
	fs.Float64Var(&f.temperature, "temperature", 0, "sampling temperature (0: backend default)")
	fs.IntVar(&f.perCall, "per-call", 0, "conversations per LLM call")
	fs.Float64Var(&f.priceIn, "price-in", 0, "model price per million prompt tokens; with --price-out the summary, manifest and report give the job's cost (default: the generator's --llm-prices)")
	fs.Float64Var(&f.priceOut, "price-out", 0, "model price per million completion tokens")
	fs.StringVar(&f.noise, "noise", "", "noise profile: none, light, realistic (default) or heavy")
	fs.IntVar(&f.minTurns, "min-turns", 0, "fewest turns per conversation (default 2)")
	fs.IntVar(&f.maxTurns, "max-turns", 0, "most turns per conversation (default 6)")
	fs.StringVar(&f.disagreement, "disagreement", "", "when rules disagree with the requested intent: reject (default), relabel or keep")
	fs.IntVar(&f.retryBudget, "retry-budget", 0, "regenerations the job may spend (default max(100, samples/2))")
	fs.IntVar(&f.dedupWindow, "dedup-window", 0, "compare each record for duplicates with the last N to 2N accepted ones, which bounds the validator's memory; -1: with the whole job (default 500000)")
	fs.BoolVar(&f.keepRejected, "keep-rejected", false, "also write rejected records under rejected/")
	fs.Float64Var(&f.minScore, "min-score", 0, "reject records an LLM judge scores under this (1-5; needs a judge on the validator)")
	fs.StringVar(&f.labels, "label", "", "labels copied to the manifest, e.g. team=search,ticket=42")
	fs.StringVar(&f.experiment, "experiment", "", "name of the experiment this job belongs to, shown by eval and the report")
	fs.StringVar(&f.variant, "variant", "", "name of this job's variant within the experiment, e.g. noise-heavy")
}

// build returns the request as JSON. Only flags given on the command line
// override the request file.
func (f *requestFlags) build(fs *pflag.FlagSet) (record.Request, error) {
	f.set = map[string]bool{}
	fs.Visit(func(fl *pflag.Flag) { f.set[fl.Name] = true })
	var r record.Request
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return r, fmt.Errorf("%w: %v", errUsage, err)
		}
		if r, err = record.DecodeRequest(b); err != nil {
			return r, fmt.Errorf("%s: %w", f.file, err)
		}
	}
	if f.set["samples"] && f.samples < 1 {
		return r, fmt.Errorf("%w: --samples must be at least 1, got %d", errUsage, f.samples)
	}
	if f.set["samples"] || r.Samples == 0 {
		r.Samples = f.samples
	}
	if f.set["seed"] {
		r.Seed = &f.seed
	}
	if f.intents != "" {
		w, err := parseWeights(f.intents)
		if err != nil {
			return r, err
		}
		r.Intents = w
	}
	if f.labels != "" {
		kv, err := parsePairs(f.labels)
		if err != nil {
			return r, err
		}
		r.Labels = kv
	}
	if f.out != "" {
		r.Output = f.out
		if !strings.HasPrefix(f.out, "s3://") && !f.remote {
			abs, err := filepath.Abs(f.out)
			if err != nil {
				return r, err
			}
			r.Output = abs
		}
	}
	if f.taxonomy != "" {
		b, err := os.ReadFile(f.taxonomy)
		if err != nil {
			return r, fmt.Errorf("%w: %v", errUsage, err)
		}
		r.Taxonomy = string(b)
	}
	setStr(&r.LLM.Backend, f.backend)
	setStr(&r.LLM.Model, f.model)
	setStr(&r.Noise.Profile, f.noise)
	setStr(&r.Quality.Disagreement, f.disagreement)
	setStr(&r.Experiment, f.experiment)
	setStr(&r.Variant, f.variant)
	if f.set["temperature"] {
		r.LLM.Temperature = &f.temperature
	}
	if f.set["price-in"] {
		r.LLM.PriceIn = &f.priceIn
	}
	if f.set["price-out"] {
		r.LLM.PriceOut = &f.priceOut
	}
	setInt(&r.LLM.PerCall, f.perCall)
	setInt(&r.Turns.Min, f.minTurns)
	setInt(&r.Turns.Max, f.maxTurns)
	setInt(&r.Quality.RetryBudget, f.retryBudget)
	setInt(&r.Quality.DedupWindow, f.dedupWindow)
	if f.keepRejected {
		r.Quality.KeepRejected = true
	}
	if f.minScore != 0 {
		r.Quality.MinScore = f.minScore
	}
	return r, nil
}

func setStr(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func setInt(dst *int, v int) {
	if v != 0 {
		*dst = v
	}
}

func parseWeights(s string) (map[string]float64, error) {
	kv, err := parsePairs(s)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for k, v := range kv {
		w, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: --intents %s=%s: weight is not a number", errUsage, k, v)
		}
		out[k] = w
	}
	return out, nil
}

func parsePairs(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%w: %q is not key=value", errUsage, p)
		}
		out[k] = v
	}
	return out, nil
}

func mustMarshal(r record.Request) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}
