package bus_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

func TestAppendIfLastIsCompareAndSet(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	ctx := context.Background()
	subject := bus.LedgerSubject("j1")
	first, err := c.AppendIfLast(ctx, subject, []byte("a"), 0)
	if err != nil {
		t.Fatalf("first append: %v", err)
	}
	// Another subject of the stream moves the stream, not this subject.
	if _, err := c.AppendIfLast(ctx, bus.LedgerSubject("j2"), []byte("x"), 0); err != nil {
		t.Fatalf("append to another subject: %v", err)
	}
	tests := []struct {
		name    string
		last    uint64
		wantErr bool
	}{
		{name: "expecting an empty subject fails", last: 0, wantErr: true},
		{name: "expecting the stream's last sequence fails", last: first + 1, wantErr: true},
		{name: "expecting the last message succeeds", last: first},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seq, err := c.AppendIfLast(ctx, subject, []byte("b"), tt.last)
			if tt.wantErr {
				if !errors.Is(err, bus.ErrWrongLast) {
					t.Fatalf("append = (%d, %v), want ErrWrongLast", seq, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if last, err := c.LastSeq(ctx, bus.StreamLedger, subject); err != nil || last != seq {
				t.Errorf("LastSeq = (%d, %v), want %d", last, err, seq)
			}
		})
	}
}

// appendAll appends each body to subject and returns their sequences.
func appendAll(t *testing.T, c *bus.Conn, subject string, bodies ...string) []uint64 {
	t.Helper()
	var seqs []uint64
	for _, b := range bodies {
		last, err := c.LastSeq(context.Background(), bus.StreamLedger, subject)
		if err != nil {
			t.Fatal(err)
		}
		seq, err := c.AppendIfLast(context.Background(), subject, []byte(b), last)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, seq)
	}
	return seqs
}

func TestReplay(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	subject := bus.LedgerSubject("j1")
	var seqs []uint64
	// Interleaved with another subject, so the subject's sequences jump.
	for i := range 3 {
		seqs = append(seqs, appendAll(t, c, subject, fmt.Sprint("m", i))...)
		appendAll(t, c, bus.LedgerSubject("other"), "o")
	}
	tests := []struct {
		name     string
		subject  string
		from     uint64
		wantData []string
		wantLast uint64
	}{
		{name: "from the start", subject: subject, from: 0, wantData: []string{"m0", "m1", "m2"}, wantLast: seqs[2]},
		{name: "from a sequence", subject: subject, from: seqs[1], wantData: []string{"m1", "m2"}, wantLast: seqs[2]},
		{name: "from between messages", subject: subject, from: seqs[0] + 1, wantData: []string{"m1", "m2"}, wantLast: seqs[2]},
		{name: "past the end", subject: subject, from: seqs[2] + 1},
		{name: "nothing stored", subject: bus.LedgerSubject("empty")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []string
			var got []uint64
			last, err := c.Replay(context.Background(), bus.StreamLedger, tt.subject, tt.from, func(seq uint64, b []byte) error {
				got = append(got, seq)
				data = append(data, string(b))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(data, tt.wantData) {
				t.Errorf("replayed %q, want %q", data, tt.wantData)
			}
			if last != tt.wantLast {
				t.Errorf("last = %d, want %d", last, tt.wantLast)
			}
			if !slices.IsSorted(got) {
				t.Errorf("sequences %v out of order", got)
			}
		})
	}
}

func TestReplayStopsOnError(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	subject := bus.LedgerSubject("j1")
	seqs := appendAll(t, c, subject, "ok", "bad", "never")
	errBad := errors.New("cannot decode")
	var calls int
	last, err := c.Replay(context.Background(), bus.StreamLedger, subject, 0, func(_ uint64, b []byte) error {
		calls++
		if string(b) == "bad" {
			return errBad
		}
		return nil
	})
	if !errors.Is(err, errBad) {
		t.Fatalf("replay = %v, want the callback's error", err)
	}
	if calls != 2 || last != seqs[0] {
		t.Errorf("calls = %d, last = %d; want 2 calls and last %d (the message before the failure)", calls, last, seqs[0])
	}
}

func TestLastSeqOfEmptySubjectIsZero(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	last, err := c.LastSeq(context.Background(), bus.StreamRejected, bus.RejectedSubject("none"))
	if err != nil || last != 0 {
		t.Errorf("LastSeq = (%d, %v), want (0, nil)", last, err)
	}
	if _, err := c.LastSeq(context.Background(), "NO_SUCH_STREAM", "x"); err == nil {
		t.Error("LastSeq on a missing stream succeeded")
	}
}
