package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/parts"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/report"
)

// rowGroupBytes bounds the encoder's buffered rows: the xitongsys writer
// holds a row group in memory several times over while it encodes it.
const rowGroupBytes = 8 << 20

// flush writes a complete part, records it, then acks its messages. Store
// errors are retried with backoff while the messages are kept alive:
// nothing is acked before the part is durable.
func (s *sink) flush(ctx context.Context, p *part) {
	s.flushes <- struct{}{}
	defer func() { <-s.flushes }()
	key := p.Key()
	log := s.cfg.Log.With().Str("job", key.Job).Int64("part", key.Seq).Logger()
	info, err := s.cache.Get(ctx, key.Job)
	if err != nil {
		log.Error().Err(err).Msg("part not written; will retry")
		s.retryLater(p)
		return
	}
	s.mu.Lock()
	recs := p.Records()
	s.mu.Unlock()
	file, body, err := encodePart(key.Seq, recs, s.cfg.Compression)
	if err != nil {
		log.Error().Err(err).Msg("encode part; will retry")
		s.retryLater(p)
		return
	}
	if !s.upload(ctx, log, &info.Job, p, file, body) || s.fault("uploaded") {
		return
	}
	if !s.retry(ctx, log, "record part", func() error { return s.jobs.PutJSON(ctx, partKey(key), file) }) {
		s.handBack(p)
		return
	}
	s.mu.Lock()
	s.parts.Written(p)
	s.statsOf(key.Job).Add(file.Name, recs)
	s.mu.Unlock()
	done(p)
	if s.fault("acked") {
		return
	}
	s.cnt.Add(key.Job, pipeline.CounterRows, file.Rows)
	s.cnt.Add(key.Job, pipeline.CounterParts, 1)
	log.Info().Int64("rows", file.Rows).Int64("bytes", file.Bytes).Msg("part written")
	s.maybeFinalize(ctx, key.Job)
}

// retryLater gives a part whose write failed before the store write back
// to tick, which tries it again; its messages stay held and alive
// meanwhile. A stopping sink hands it back instead.
func (s *sink) retryLater(p *part) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parts.Retry(p)
	if s.stopping {
		s.handBackLocked(p)
	}
}

// encodePart encodes the records of part seq as Parquet and describes
// the file.
func encodePart(seq int64, recs []record.Conversation, compression string) (dataset.File, []byte, error) {
	var buf bytes.Buffer
	if err := dataset.Encode(&buf, recs, dataset.Options{Compression: compression, RowGroupBytes: rowGroupBytes}); err != nil {
		return dataset.File{}, nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	file := dataset.File{Name: dataset.PartName(seq), Rows: int64(len(recs)), Bytes: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:])}
	return file, buf.Bytes(), nil
}

// upload stores the part's file in the job's output, retrying; false when
// it gave up, the part then dropped (its job stopped) or handed back.
func (s *sink) upload(ctx context.Context, log zerolog.Logger, job *record.Job, p *part, file dataset.File, body []byte) bool {
	start := time.Now()
	objKey := dataset.JobDir(job.ID) + file.Name
	if !s.retry(ctx, log, "write part", func() error {
		if s.stoppedNow(job.ID) {
			return errJobStopped
		}
		st, err := s.stores.open(ctx, outputOf(job, s.cfg))
		if err != nil {
			s.failOnBadOutput(ctx, job.ID, err)
			return err
		}
		return st.Put(ctx, objKey, bytes.NewReader(body), int64(len(body)))
	}) {
		if s.stoppedNow(job.ID) {
			s.dropIfStopped(p) // nothing more is written for the job
		} else {
			s.handBack(p)
		}
		return false
	}
	s.cfg.Metrics.UploadSeconds.Observe(time.Since(start).Seconds())
	s.cfg.Metrics.UploadBytes.Add(float64(len(body)))
	s.cfg.Metrics.SinkBatchRows.Observe(float64(file.Rows))
	return true
}

// handBack hands p back for redelivery at once if it is still open.
func (s *sink) handBack(p *part) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handBackLocked(p)
}

// handBackLocked hands p back for redelivery at once if it is still open.
func (s *sink) handBackLocked(p *part) {
	if s.parts.Release(p) {
		nakNow(p)
	}
}

// nakNow naks the messages of a part no longer open for redelivery at
// once. Nak(0), not Done's growing delay: the messages are sound, and a
// stopping sink or a stale part gives them back so that the replica now
// pinned to the partition takes them without waiting.
func nakNow(p *part) {
	for _, h := range p.Tokens() {
		_ = h.Nak(0)
	}
}

// retry runs op until it succeeds (the runtime keeps the held messages
// alive meanwhile); false when ctx ended first, or when op failed while
// the sink is stopping: a stopping sink does not wait to retry.
func (s *sink) retry(ctx context.Context, log zerolog.Logger, what string, op func() error) bool {
	delay := 250 * time.Millisecond
	for {
		err := op()
		if err == nil {
			return true
		}
		if errors.Is(err, errJobStopped) {
			log.Info().Msg(what + " given up: the job was cancelled or failed")
			return false
		}
		select {
		case <-s.stopped:
			log.Warn().Err(err).Msg(what + " failed while stopping; handing the part back")
			return false
		default:
		}
		log.Warn().Err(err).Dur("retry_in", delay).Msg(what + " failed; holding the part")
		select {
		case <-ctx.Done():
			return false
		case <-s.stopped:
			return false
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

// fault calls the configured fault hook; true means "crashed": the sink
// stops at once without acking anything more.
func (s *sink) fault(point string) bool {
	if s.cfg.Fault == nil {
		return false
	}
	if err := s.cfg.Fault(point); err != nil {
		s.cfg.Log.Warn().Err(err).Str("point", point).Msg("fault injected: sink stops without acking")
		s.cfg.Conn.Abort()
		s.crash()
		return true
	}
	return false
}

// statsOf is the statistics of the job's parts; the caller holds s.mu.
func (s *sink) statsOf(job string) *parts.Stats {
	ps := s.seen[job]
	if ps == nil {
		ps = parts.NewStats(report.SamplesPerIntent)
		s.seen[job] = ps
	}
	return ps
}
