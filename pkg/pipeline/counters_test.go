package pipeline

import (
	"context"
	"testing"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

// TestCountersContinueAcrossProcesses: a process that starts under the
// name of one that stopped continues its totals, and two processes under
// one name (a misconfiguration) still lose nothing.
func TestCountersContinueAcrossProcesses(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	jobs, err := c.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	log := zerolog.Nop()
	first := NewRecorder(jobs, StageGenerator, "r1")
	first.Add("j1", "generated", 10)
	first.Flush(ctx, log)
	// The first process is gone; a new one with the same name counts on.
	second := NewRecorder(jobs, StageGenerator, "r1")
	second.Add("j1", "generated", 5)
	second.Flush(ctx, log)
	// A third under the same name at the same time as the second.
	third := NewRecorder(jobs, StageGenerator, "r1")
	third.Add("j1", "generated", 7)
	third.Flush(ctx, log)
	second.Add("j1", "generated", 1)
	second.Flush(ctx, log)
	second.Flush(ctx, log) // a conflict is retried on the next flush
	var got Counters
	if _, err := jobs.GetJSON(ctx, bus.Key("j1", "counts", StageGenerator, "r1"), &got); err != nil {
		t.Fatal(err)
	}
	if got["generated"] != 23 {
		t.Errorf("stored generated = %d, want 23 (10+5+7+1)", got["generated"])
	}
}

// TestLedgerFiguresMergeByMaximum: the validator's figures are totals read
// from the ledger; replicas' views are merged by maximum, not summed.
func TestLedgerFiguresMergeByMaximum(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	jobs, err := c.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	log := zerolog.Nop()
	stale := NewRecorder(jobs, StageValidator, "dead")
	stale.Set("j1", "accepted", 40)
	stale.Flush(ctx, log)
	live := NewRecorder(jobs, StageValidator, "live")
	live.Set("j1", "accepted", 90)
	live.Flush(ctx, log)
	counts, err := StageCounts(ctx, jobs, "j1")
	if err != nil {
		t.Fatal(err)
	}
	if got := counts[StageValidator]["accepted"]; got != 90 {
		t.Errorf("accepted = %d, want 90 (the latest view, not 40+90)", got)
	}
}
