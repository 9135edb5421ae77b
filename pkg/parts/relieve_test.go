package parts_test

import (
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/parts"
)

// open is an open part to set up: its job, number, and how many messages
// bring how many records each.
type open struct {
	job      string
	seq      int64
	messages int
	per      int
}

func TestRelieve(t *testing.T) {
	limits := parts.Limits{Messages: 10, Rows: 20}
	shape := parts.Shape{BatchRows: 10, Partitions: 2, Total: 1000}
	for _, tc := range []struct {
		name string
		open []open
		// want are the parts given back.
		want []parts.Key
	}{
		{"under both limits", []open{{"j", 0, 4, 2}, {"j", 2, 4, 2}}, nil},
		{"at the message limit: the highest part", []open{{"j", 0, 5, 1}, {"j", 2, 3, 1}, {"j", 4, 2, 1}}, []parts.Key{{Job: "j", Seq: 4}}},
		{"at the row limit: the highest part", []open{{"j", 2, 1, 9}, {"j", 6, 1, 9}, {"j", 4, 1, 2}}, []parts.Key{{Job: "j", Seq: 6}}},
		{"partitions counted apart", []open{{"j", 0, 5, 1}, {"j", 1, 5, 1}, {"j", 3, 4, 1}}, nil},
		{"each full partition gives one back", []open{{"j", 0, 6, 1}, {"j", 2, 4, 1}, {"j", 1, 6, 1}, {"j", 3, 4, 1}},
			[]parts.Key{{Job: "j", Seq: 2}, {Job: "j", Seq: 3}}},
		{"jobs share a partition", []open{{"a", 0, 6, 1}, {"b", 2, 4, 1}}, []parts.Key{{Job: "b", Seq: 2}}},
		{"unknown job left alone", []open{{"j", 0, 5, 1}, {"ghost", 2, 20, 1}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := parts.NewAssembler[int](shapes(map[string]parts.Shape{"j": shape, "a": shape, "b": shape}), time.Minute)
			for _, o := range tc.open {
				next := o.seq * int64(shape.BatchRows)
				for m := range o.messages {
					a.Add(parts.Key{Job: o.job, Seq: o.seq}, recs(o.job, "", span(next, next+int64(o.per))...), m, t0)
					next += int64(o.per)
				}
			}
			got := map[parts.Key]bool{}
			for _, r := range a.Relieve(limits) {
				got[r.Part.Key()] = true
				if _, open := a.Known(r.Part.Key()); open {
					t.Errorf("part %v given back but still open", r.Part.Key())
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("given back %v, want %v", got, tc.want)
			}
			for _, k := range tc.want {
				if !got[k] {
					t.Errorf("given back %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestRelieveSkipsWriting: a part being written is neither counted nor
// given back.
func TestRelieveSkipsWriting(t *testing.T) {
	shape := parts.Shape{BatchRows: 4, Partitions: 1, Total: 100}
	a := parts.NewAssembler[int](func(string) (parts.Shape, bool) { return shape, true }, time.Minute)
	if a.Add(parts.Key{Job: "j", Seq: 3}, recs("j", "", 12, 13, 14, 15), 0, t0) == nil {
		t.Fatal("part 3 not complete")
	}
	a.Add(parts.Key{Job: "j", Seq: 0}, recs("j", "", 0), 1, t0)
	if got := a.Relieve(parts.Limits{Messages: 2, Rows: 4}); len(got) != 0 {
		t.Errorf("Relieve gave back %v: the part being written counted", got[0].Part.Key())
	}
	if got := a.Relieve(parts.Limits{Messages: 1, Rows: 4}); len(got) != 1 || got[0].Part.Key().Seq != 0 {
		t.Errorf("Relieve = %v, want the open part 0", got)
	}
}
