package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// writeRejected writes the job's rejected records, in the order the
// rejected stream holds them, as rejected/part-*.parquet. A replay that
// stops short (a fetch brought nothing) writes what was read.
func (s *sink) writeRejected(ctx context.Context, st store.Store, job record.Job) ([]dataset.File, error) {
	w := &rejectedWriter{st: st, dir: dataset.JobDir(job.ID), rows: s.cfg.BatchRows, compression: s.cfg.Compression, seen: map[string]bool{}}
	_, err := s.cfg.Conn.Replay(ctx, bus.StreamRejected, bus.RejectedSubject(job.ID), 0, func(seq uint64, data []byte) error {
		var rs []record.Rejected
		if err := pipeline.UnpackJSON(data, &rs); err != nil {
			s.cfg.Metrics.Undecodable.WithLabelValues(pipeline.StageSink, bus.StreamRejected).Inc()
			s.quiet.Warn().Err(err).Str("job", job.ID).Uint64("seq", seq).Msg("rejected records that do not decode left out of the rejected parts")
			return nil
		}
		return w.add(ctx, rs)
	})
	if errors.Is(err, bus.ErrReplayStopped) {
		s.cfg.Log.Warn().Err(err).Str("job", job.ID).Msg("rejected records read in part; writing those read")
	} else if err != nil {
		return nil, err
	}
	if err := w.flush(ctx); err != nil {
		return nil, err
	}
	return w.files, nil
}

// rejectedWriter writes rejected records as Parquet parts of rows
// records, each conversation once.
type rejectedWriter struct {
	st          store.Store
	dir         string
	rows        int
	compression string
	seen        map[string]bool
	batch       []record.Rejected
	files       []dataset.File
}

// add takes records in order, writing a part each time rows are waiting.
func (w *rejectedWriter) add(ctx context.Context, rs []record.Rejected) error {
	for _, r := range rs {
		if w.seen[r.Conversation.ConversationID] {
			continue
		}
		w.seen[r.Conversation.ConversationID] = true
		w.batch = append(w.batch, r)
		if len(w.batch) == w.rows {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush writes the waiting records, if any, as the next part.
func (w *rejectedWriter) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if err := dataset.EncodeRejected(&buf, w.batch, dataset.Options{Compression: w.compression}); err != nil {
		return fmt.Errorf("encode rejected records: %w", err)
	}
	name := dataset.RejectedPartName(int64(len(w.files)))
	if err := w.st.Put(ctx, w.dir+name, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	w.files = append(w.files, dataset.File{Name: name, Rows: int64(len(w.batch)), Bytes: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:])})
	w.batch = w.batch[:0]
	return nil
}
