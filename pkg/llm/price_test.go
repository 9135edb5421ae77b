package llm

import (
	"strings"
	"testing"
)

func TestParsePrices(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]Price
		wantErr string
	}{
		{name: "empty", in: "", want: map[string]Price{}},
		{name: "two models", in: "gpt-4o-mini=0.15/0.60, llama3.2:1b=0/0", want: map[string]Price{"gpt-4o-mini": {0.15, 0.6}, "llama3.2:1b": {}}},
		{name: "model with an equals sign", in: "org/m=v2=1/2", want: map[string]Price{"org/m=v2": {1, 2}}},
		{name: "no slash", in: "m=0.15", wantErr: "not model=in/out"},
		{name: "no model", in: "=1/2", wantErr: "not model=in/out"},
		{name: "not a number", in: "m=cheap/2", wantErr: "must be numbers"},
		{name: "negative", in: "m=-1/2", wantErr: "from 0 to 1e6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePrices(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
			for m, p := range tt.want {
				if got[m] != p {
					t.Errorf("%s: %v, want %v", m, got[m], p)
				}
			}
		})
	}
}

func TestPriceNanos(t *testing.T) {
	p := Price{In: 0.15, Out: 0.6}
	// 2,000 prompt tokens at 0.15/M are 0.0003; 500 completion at 0.6/M
	// are 0.0003: 600,000 billionths in all.
	if got := p.Nanos(Usage{PromptTokens: 2000, CompletionTokens: 500}); got != 600_000 {
		t.Errorf("Nanos = %d, want 600000", got)
	}
}
