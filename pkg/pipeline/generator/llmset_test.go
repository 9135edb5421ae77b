package generator_test

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/record"
)

func TestLLMSetPrice(t *testing.T) {
	set, err := generator.NewLLMSet(generator.LLMConfig{Prices: map[string]llm.Price{"synth-v1": {In: 1, Out: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	half := 0.5
	tests := []struct {
		name   string
		req    record.LLM
		model  string
		want   llm.Price
		wantOK bool
	}{
		{name: "configured model", model: "synth-v1", want: llm.Price{In: 1, Out: 2}, wantOK: true},
		{name: "unpriced model", model: "other"},
		{name: "the request's price wins", req: record.LLM{PriceIn: &half}, model: "synth-v1", want: llm.Price{In: 0.5, Out: 2}, wantOK: true},
		{name: "a request price alone", req: record.LLM{PriceOut: &half}, model: "other", want: llm.Price{Out: 0.5}, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := set.Price(tt.req, tt.model)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Price = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
