package sink

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// TestProgressIgnoresRedeliveredWork: generator and classifier counters
// that move on redelivered tasks, while nothing new is decided or
// written, are not progress; new decisions and written rows are.
func TestProgressIgnoresRedeliveredWork(t *testing.T) {
	before := map[string]pipeline.Counters{
		pipeline.StageGenerator:  {"generated": 106072},
		pipeline.StageClassifier: {"labeled": 107696},
		pipeline.StageValidator:  {"accepted": 88623, "regenerated": 900},
		pipeline.StageSink:       {"rows": 70000, "parts": 7},
	}
	redone := map[string]pipeline.Counters{
		pipeline.StageGenerator:  {"generated": 106104, "llm_calls": 3},
		pipeline.StageClassifier: {"labeled": 107728},
		pipeline.StageValidator:  {"accepted": 88623, "regenerated": 900},
		pipeline.StageSink:       {"rows": 70000, "parts": 7},
	}
	if countsKey(before) != countsKey(redone) {
		t.Error("redelivered generation and labeling counted as progress")
	}
	decided := map[string]pipeline.Counters{pipeline.StageValidator: {"accepted": 88624, "regenerated": 900}, pipeline.StageSink: {"rows": 70000, "parts": 7}}
	if countsKey(before) == countsKey(decided) {
		t.Error("a new decision not counted as progress")
	}
	written := map[string]pipeline.Counters{pipeline.StageValidator: {"accepted": 88623, "regenerated": 900}, pipeline.StageSink: {"rows": 80000, "parts": 8}}
	if countsKey(before) == countsKey(written) {
		t.Error("a written part not counted as progress")
	}
}
