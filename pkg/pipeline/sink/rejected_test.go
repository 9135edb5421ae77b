package sink

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

func rejected(job string, ids ...string) []byte {
	rs := make([]record.Rejected, len(ids))
	for i, id := range ids {
		rs[i] = record.Rejected{Reasons: []string{"too_short"}, Conversation: record.Conversation{JobID: job, ConversationID: id, Intent: "billing"}}
	}
	return pipeline.PackJSON(rs)
}

// TestWriteRejected replays a job's rejected records from the stream into
// parts of BatchRows records, each conversation once; a message that does
// not decode is left out and counted.
func TestWriteRejected(t *testing.T) {
	conn := bustest.Conn(t, bustest.Server(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name       string
		messages   [][]byte
		wantRows   []int64
		undecoding float64
	}{
		{"nothing rejected", nil, nil, 0},
		{"parts of two, duplicates once", [][]byte{rejected("j", "a", "b"), rejected("j", "b", "c")}, []int64{2, 1}, 0},
		{"undecodable message skipped", [][]byte{rejected("j", "a"), []byte("{not json"), rejected("j", "b", "c")}, []int64{2, 1}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := record.Job{ID: fmt.Sprintf("job-%d", time.Now().UnixNano())}
			var out bus.Outbox
			for i, m := range tc.messages {
				out.Add(bus.RejectedSubject(job.ID), fmt.Sprintf("%s-%d", job.ID, i), m)
			}
			if err := conn.PublishAll(ctx, &out); err != nil {
				t.Fatal(err)
			}
			st, err := store.NewLocal(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			met := telemetry.NewMetrics()
			s := &sink{cfg: &settings{
				Deps:   pipeline.Deps{Conn: conn, Log: zerolog.Nop(), Metrics: met},
				Config: Config{Layout: pipeline.Layout{BatchRows: 2, Partitions: 1}, Compression: dataset.CompressionSnappy},
			}, quiet: zerolog.Nop()}
			files, err := s.writeRejected(ctx, st, job)
			if err != nil {
				t.Fatalf("writeRejected: %v", err)
			}
			var rows []int64
			for i, f := range files {
				rows = append(rows, f.Rows)
				if f.Name != dataset.RejectedPartName(int64(i)) {
					t.Errorf("file %d named %s", i, f.Name)
				}
				rc, err := st.Get(ctx, dataset.JobDir(job.ID)+f.Name)
				if err != nil {
					t.Errorf("file %s not stored: %v", f.Name, err)
					continue
				}
				_ = rc.Close()
			}
			if fmt.Sprint(rows) != fmt.Sprint(tc.wantRows) {
				t.Errorf("rows per file %v, want %v", rows, tc.wantRows)
			}
			got := testutil.ToFloat64(met.Undecodable.WithLabelValues(pipeline.StageSink, bus.StreamRejected))
			if got != tc.undecoding {
				t.Errorf("undecodable counted %v, want %v", got, tc.undecoding)
			}
		})
	}
}
