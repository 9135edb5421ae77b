package validator

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/admission"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// TestLedgerLog runs the ledger subject through the admission.Log
// contract: conditional appends, a conflict that matches ErrConflict,
// replay from a sequence, and an undecodable message stopping a replay.
func TestLedgerLog(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	ctx := context.Background()
	log := ledgerLog{conn: c, subject: bus.LedgerSubject("job-log")}
	groups := [][]admission.Entry{
		{{Kind: admission.KindAccept, ID: "a", Intent: "x", Index: 0}},
		{{Kind: admission.KindReject, ID: "b", Reasons: []string{"r"}}, {Kind: admission.KindAccept, ID: "c", Index: 1}},
	}
	var seqs []uint64
	var last uint64
	for _, g := range groups {
		seq, err := log.AppendIfLast(ctx, g, last)
		if err != nil {
			t.Fatal(err)
		}
		seqs, last = append(seqs, seq), seq
	}
	if _, err := log.AppendIfLast(ctx, groups[0], seqs[0]); !errors.Is(err, admission.ErrConflict) {
		t.Fatalf("stale append: %v, want ErrConflict", err)
	}
	tests := []struct {
		name  string
		after uint64
		want  [][]admission.Entry
	}{
		{name: "whole subject", after: 0, want: groups},
		{name: "after the first message", after: seqs[0], want: groups[1:]},
		{name: "after the last message", after: seqs[1], want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]admission.Entry
			var gotSeqs []uint64
			err := log.Replay(ctx, tt.after, func(seq uint64, es []admission.Entry) error {
				got, gotSeqs = append(got, es), append(gotSeqs, seq)
				return nil
			})
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("replay after %d: %+v %v, want %+v", tt.after, got, err, tt.want)
			}
			if len(tt.want) > 0 && gotSeqs[len(gotSeqs)-1] != seqs[1] {
				t.Errorf("replay ended at %d, want %d", gotSeqs[len(gotSeqs)-1], seqs[1])
			}
		})
	}
	if _, err := c.AppendIfLast(ctx, log.subject, []byte("not entries"), last); err != nil {
		t.Fatal(err)
	}
	if err := log.Replay(ctx, 0, func(uint64, []admission.Entry) error { return nil }); err == nil {
		t.Error("replay over an undecodable message succeeded")
	}
}

// TestLedgersShareTheSubject decides records through two replicas' ledgers
// of one job, the second loaded before the first appends: the second
// meets the conflict, reloads, and agrees with the first; its figures are
// the ledger's totals.
func TestLedgersShareTheSubject(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	ctx := context.Background()
	job := &record.Job{ID: "job-shared", Quotas: []record.Quota{{Intent: "a", Count: 3}}}
	job.Request.Quality.RetryBudget, job.Request.Quality.NearDuplicate = 5, 1
	one, err := newLedgers(c).get(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	two, err := newLedgers(c).get(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	conv := func(slot int64, text string) record.Conversation {
		return record.Conversation{ConversationID: record.ConversationID(job.ID, slot, 0), JobID: job.ID, Slot: slot,
			RequestedIntent: "a", Intent: "a", Turns: []record.Turn{{Role: record.RoleCustomer, Text: text}}}
	}
	first, err := one.Decide(ctx, []record.Conversation{conv(0, "alpha bravo charlie"), conv(1, "delta echo foxtrot")}, make([][]string, 2))
	if err != nil {
		t.Fatal(err)
	}
	second, err := two.Decide(ctx, []record.Conversation{conv(1, "delta echo foxtrot"), conv(2, "golf hotel india")}, make([][]string, 2))
	if err != nil {
		t.Fatal(err)
	}
	if second[0].Index != first[1].Index || second[1].Kind != admission.KindAccept || second[1].Index != 2 {
		t.Fatalf("second replica decided %+v after %+v", second, first)
	}
	if !two.Sealed() {
		t.Error("the last slot's decision did not seal the ledger")
	}
	if f := two.figures.Load(); f == nil || (*f)[pipeline.CounterAccepted] != 3 {
		t.Errorf("figures %v, want 3 accepted", f)
	}
}
