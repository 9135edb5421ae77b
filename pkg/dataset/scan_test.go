package dataset

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

func TestScanRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		recs []record.Conversation
		opt  Options
	}{
		{"one", sampleConversations(1, 4), Options{}},
		{"several chunks snappy", sampleConversations(3*scanChunk+7, 5), Options{}},
		{"edge cases zstd", edgeConversations(), Options{Compression: CompressionZstd}},
		{"many row groups", sampleConversations(2000, 6), Options{RowGroupBytes: 32 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encodeBytes(t, tt.recs, tt.opt)
			var got []record.Conversation
			err := Scan(bytes.NewReader(data), int64(len(data)), func(c *record.Conversation) error {
				got = append(got, *c)
				return nil
			})
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			if len(got) != len(tt.recs) {
				t.Fatalf("scanned %d records, want %d", len(got), len(tt.recs))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], tt.recs[i]) {
					t.Fatalf("record %d:\ngot  %s\nwant %s", i, describe(&got[i]), describe(&tt.recs[i]))
				}
			}
		})
	}
}

func TestScanStopsOnCallbackError(t *testing.T) {
	data := encodeBytes(t, sampleConversations(10, 7), Options{})
	stop := errors.New("stop")
	calls := 0
	err := Scan(bytes.NewReader(data), int64(len(data)), func(*record.Conversation) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("Scan = %v after %d calls, want stop after 3", err, calls)
	}
}

func TestScanRejectsGarbage(t *testing.T) {
	data := []byte("not a parquet file at all")
	if err := Scan(bytes.NewReader(data), int64(len(data)), func(*record.Conversation) error { return nil }); err == nil {
		t.Fatal("Scan of garbage succeeded")
	}
}
