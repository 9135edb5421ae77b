package llm

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Price is what a model costs per million tokens, in any one currency.
type Price struct {
	In  float64 `json:"in"`  // per million prompt tokens
	Out float64 `json:"out"` // per million completion tokens
}

// Nanos is the cost of u's tokens in billionths of the currency unit,
// rounded: integral, so replicas can add it up in counters.
func (p Price) Nanos(u Usage) int64 {
	return int64(math.Round(float64(u.PromptTokens)*p.In*1e3 + float64(u.CompletionTokens)*p.Out*1e3))
}

// Validate reports a negative or absurd price.
func (p Price) Validate() error {
	for _, v := range []float64{p.In, p.Out} {
		if !(v >= 0 && v <= 1e6) {
			return fmt.Errorf("price %v per million tokens must be from 0 to 1e6", v)
		}
	}
	return nil
}

// ParsePrices reads per-model prices written model=in/out, comma-separated,
// e.g. "gpt-4o-mini=0.15/0.60,llama3.2:1b=0/0".
func ParsePrices(s string) (map[string]Price, error) {
	out := map[string]Price{}
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		i := strings.LastIndex(item, "=")
		model, rates := "", ""
		if i > 0 {
			model, rates = item[:i], item[i+1:]
		}
		in, outRate, ok := strings.Cut(rates, "/")
		if !ok {
			return nil, fmt.Errorf("%q is not model=in/out (prices per million prompt and completion tokens)", item)
		}
		var p Price
		var err1, err2 error
		p.In, err1 = strconv.ParseFloat(in, 64)
		p.Out, err2 = strconv.ParseFloat(outRate, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%q: prices must be numbers, e.g. %s=0.15/0.60", item, model)
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		out[model] = p
	}
	return out, nil
}
