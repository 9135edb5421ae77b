package parts_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/parts"
	"github.com/synthdesk/synthdesk/pkg/record"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// recs makes accepted records of job with the given indexes; each
// conversation's id names its index and copy, so a test can tell a
// replaced record from the earlier one.
func recs(job, copy string, idx ...int64) []record.Accepted {
	out := make([]record.Accepted, len(idx))
	for i, n := range idx {
		out[i] = record.Accepted{Index: n, Conversation: record.Conversation{JobID: job, ConversationID: fmt.Sprintf("%d%s", n, copy), Intent: "billing"}}
	}
	return out
}

func span(from, to int64) []int64 {
	var out []int64
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func shapes(m map[string]parts.Shape) func(string) (parts.Shape, bool) {
	return func(job string) (parts.Shape, bool) {
		s, ok := m[job]
		return s, ok
	}
}

func TestShapeOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		job  record.Job
		want parts.Shape
	}{
		{"running: requested samples", record.Job{BatchRows: 10, Partitions: 2, Accepted: 3, Request: record.Request{Samples: 25}}, parts.Shape{BatchRows: 10, Partitions: 2, Total: 25}},
		{"sealed: accepted total", record.Job{BatchRows: 10, Partitions: 2, Sealed: true, Accepted: 13, Request: record.Request{Samples: 25}}, parts.Shape{BatchRows: 10, Partitions: 2, Total: 13}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parts.ShapeOf(tc.job); got != tc.want {
				t.Errorf("ShapeOf = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestKeyOf(t *testing.T) {
	for _, tc := range []struct {
		name    string
		recs    []record.Accepted
		rows    int
		want    parts.Key
		wantErr error
	}{
		{"first part", recs("j", "", 0, 1, 2), 10, parts.Key{Job: "j", Seq: 0}, nil},
		{"third part", recs("j", "", 20, 29), 10, parts.Key{Job: "j", Seq: 2}, nil},
		{"two parts", recs("j", "", 9, 10), 10, parts.Key{}, parts.ErrMixedParts},
		{"two jobs", append(recs("j", "", 1), recs("k", "", 2)...), 10, parts.Key{}, parts.ErrMixedParts},
		{"empty", nil, 10, parts.Key{}, parts.ErrNoRecords},
		{"no part size", recs("j", "", 1), 0, parts.Key{}, parts.ErrBadRows},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parts.KeyOf(tc.recs, tc.rows)
			if !errors.Is(err, tc.wantErr) || got != tc.want {
				t.Errorf("KeyOf = %+v, %v; want %+v, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// message is one Add: the records of one message of a part.
type message struct {
	seq  int64
	copy string
	idx  []int64
}

func TestComplete(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape parts.Shape
		msgs  []message
		// complete is the message (index into msgs) that completes the
		// part, -1 for none.
		complete int
		want     []string
	}{
		{"every index in one message", parts.Shape{BatchRows: 4, Partitions: 1, Total: 8},
			[]message{{1, "", span(4, 8)}}, 0, []string{"4", "5", "6", "7"}},
		{"out of order, sorted by index", parts.Shape{BatchRows: 4, Partitions: 1, Total: 8},
			[]message{{0, "", []int64{3, 1}}, {0, "", []int64{2}}, {0, "", []int64{0}}}, 2, []string{"0", "1", "2", "3"}},
		{"an index missing", parts.Shape{BatchRows: 4, Partitions: 1, Total: 8},
			[]message{{0, "", []int64{0, 1}}, {0, "", []int64{3}}}, -1, nil},
		{"redelivered record replaces, no double count", parts.Shape{BatchRows: 4, Partitions: 1, Total: 8},
			[]message{{0, "a", []int64{0, 1, 2}}, {0, "b", []int64{2}}, {0, "b", []int64{1}}, {0, "a", []int64{3}}}, 3, []string{"0a", "1b", "2b", "3a"}},
		{"last part ends at the sealed total", parts.Shape{BatchRows: 4, Partitions: 1, Total: 10},
			[]message{{2, "", []int64{8, 9}}}, 0, []string{"8", "9"}},
		{"no such part", parts.Shape{BatchRows: 4, Partitions: 1, Total: 8},
			[]message{{2, "", []int64{8, 9}}}, -1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := parts.NewAssembler[int](shapes(map[string]parts.Shape{"j": tc.shape}), time.Minute)
			var done *parts.Part[int]
			for i, m := range tc.msgs {
				p := a.Add(parts.Key{Job: "j", Seq: m.seq}, recs("j", m.copy, m.idx...), i, t0)
				if p != nil && i != tc.complete {
					t.Fatalf("message %d completed the part, want %d", i, tc.complete)
				}
				if p != nil {
					done = p
				}
			}
			if tc.complete < 0 {
				if done != nil {
					t.Fatalf("part complete, want incomplete")
				}
				return
			}
			if done == nil {
				t.Fatalf("part incomplete after message %d", tc.complete)
			}
			var ids []string
			for _, c := range done.Records() {
				ids = append(ids, c.ConversationID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("records %v, want %v", ids, tc.want)
			}
			if got := len(done.Tokens()); got != len(tc.msgs) {
				t.Errorf("%d tokens, want one per message (%d)", got, len(tc.msgs))
			}
			if a.Ready() != nil {
				t.Error("a part being written handed out again by Ready")
			}
		})
	}
}

// TestReadyAfterSeal: a part waiting for indexes the job will never have
// is complete once the job is sealed short.
func TestReadyAfterSeal(t *testing.T) {
	shape := parts.Shape{BatchRows: 4, Partitions: 1, Total: 8}
	a := parts.NewAssembler[int](func(string) (parts.Shape, bool) { return shape, true }, time.Minute)
	if a.Add(parts.Key{Job: "j", Seq: 1}, recs("j", "", 4, 5), 0, t0) != nil {
		t.Fatal("part complete before the seal")
	}
	if got := a.Ready(); len(got) != 0 {
		t.Fatalf("Ready before the seal = %d parts", len(got))
	}
	shape.Total = 6
	got := a.Ready()
	if len(got) != 1 || got[0].Key() != (parts.Key{Job: "j", Seq: 1}) || got[0].Len() != 2 {
		t.Fatalf("Ready after the seal = %v", got)
	}
	if !a.Writing("j") {
		t.Error("the part handed out is not writing")
	}
	a.Retry(got[0])
	if again := a.Ready(); len(again) != 1 || again[0] != got[0] {
		t.Errorf("a retried part not handed out again: %v", again)
	}
	a.Written(got[0])
	if written, known := a.Known(got[0].Key()); !written || !known {
		t.Errorf("Known after Written = %v, %v", written, known)
	}
	if a.Writing("j") {
		t.Error("a written part still writing")
	}
}

func TestStale(t *testing.T) {
	shape := parts.Shape{BatchRows: 4, Partitions: 1, Total: 100}
	for _, tc := range []struct {
		name string
		// last is when the part last received a message, before now.
		last    time.Duration
		writing bool
		stale   bool
	}{
		{"fresh", 30 * time.Second, false, false},
		{"exactly the stale age", time.Minute, false, false},
		{"past the stale age", time.Minute + time.Millisecond, false, true},
		{"being written", time.Hour, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := parts.NewAssembler[int](func(string) (parts.Shape, bool) { return shape, true }, time.Minute)
			now := t0.Add(time.Hour)
			key := parts.Key{Job: "j", Seq: 0}
			a.Add(key, recs("j", "", 0, 1), 0, now.Add(-tc.last))
			if tc.writing {
				a.Add(key, recs("j", "", 2, 3), 1, now.Add(-tc.last))
			}
			got := a.Stale(now)
			if (len(got) == 1) != tc.stale {
				t.Fatalf("Stale = %d parts, want stale %v", len(got), tc.stale)
			}
			_, open := a.Known(key)
			if open == tc.stale {
				t.Errorf("part open %v after Stale, want %v", open, !tc.stale)
			}
		})
	}
}

// TestFreshMessageKeepsPartOpen: a new message resets the stale age.
func TestFreshMessageKeepsPartOpen(t *testing.T) {
	a := parts.NewAssembler[int](func(string) (parts.Shape, bool) { return parts.Shape{BatchRows: 4, Partitions: 1, Total: 8}, true }, time.Minute)
	key := parts.Key{Job: "j", Seq: 0}
	a.Add(key, recs("j", "", 0), 0, t0)
	a.Add(key, recs("j", "", 1), 1, t0.Add(50*time.Second))
	if got := a.Stale(t0.Add(90 * time.Second)); len(got) != 0 {
		t.Errorf("part stale 40s after its last message")
	}
}

func TestRelease(t *testing.T) {
	a := parts.NewAssembler[int](func(string) (parts.Shape, bool) { return parts.Shape{BatchRows: 4, Partitions: 1, Total: 8}, true }, time.Minute)
	key := parts.Key{Job: "j", Seq: 0}
	first := a.Add(key, recs("j", "", 0, 1, 2, 3), 0, t0)
	if !a.Release(first) {
		t.Fatal("Release of the open part = false")
	}
	a.Add(key, recs("j", "", 0), 1, t0)
	if a.Release(first) {
		t.Error("Release of a forgotten part forgot the part opened after it")
	}
	if _, open := a.Known(key); !open {
		t.Error("the part opened after the release is gone")
	}
}

func TestDrop(t *testing.T) {
	shape := parts.Shape{BatchRows: 4, Partitions: 1, Total: 100}
	a := parts.NewAssembler[int](func(string) (parts.Shape, bool) { return shape, true }, time.Minute)
	a.Add(parts.Key{Job: "stopped", Seq: 0}, recs("stopped", "", 0), 0, t0)
	a.Add(parts.Key{Job: "stopped", Seq: 1}, recs("stopped", "", 4, 5, 6, 7), 1, t0) // writing
	a.Add(parts.Key{Job: "running", Seq: 0}, recs("running", "", 0), 2, t0)
	got := a.Drop(func(p *parts.Part[int]) bool { return p.Key().Job == "stopped" })
	if len(got) != 1 || got[0].Key() != (parts.Key{Job: "stopped", Seq: 0}) {
		t.Errorf("Drop = %v, want the open part of the stopped job only", got)
	}
}
