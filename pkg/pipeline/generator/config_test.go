package generator

import (
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// TestConfigValidate: zero settings take the defaults; a generator without
// backends and a bad layout are reported together.
func TestConfigValidate(t *testing.T) {
	llms, err := NewLLMSet(LLMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := (Config{LLM: llms}).Validate(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	err = Config{TaskSize: -1, Layout: pipeline.Layout{Partitions: 100}}.Validate()
	for _, w := range []string{"no LLM backends configured", "task size must be at least 1", "sink partitions must be from 1 to 64"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
}
