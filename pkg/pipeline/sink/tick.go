package sink

import (
	"context"
	"time"

	"github.com/synthdesk/synthdesk/pkg/parts"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// tick writes parts that became complete when their job was sealed short,
// hands back stale parts, breaks stalls, finishes sealed jobs, and on stop
// hands back the open parts. The runtime keeps held messages alive.
func (s *sink) tick(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.stop()
			return
		case <-t.C:
		}
		s.mu.Lock()
		s.handBackStaleLocked(time.Now())
		ready := s.parts.Ready()
		s.relieveLocked()
		s.dropStoppedLocked()
		s.mu.Unlock()
		finish := s.finishable(ctx)
		for _, p := range ready {
			go s.flush(s.wctx, p)
		}
		for _, job := range finish {
			s.maybeFinalize(ctx, job)
		}
	}
}

// finishable lists the running jobs that are sealed or stopped, reading
// each state again: the watch keeps states fresh, and this read covers a
// missed update, so a sealed job is finished regardless.
func (s *sink) finishable(ctx context.Context) []string {
	var out []string
	for _, job := range s.cache.Snapshot() {
		if job.Status != record.StatusRunning {
			continue
		}
		s.cache.Refresh(ctx, job.ID)
		if fresh, ok := s.cache.State(job.ID); ok && finishable(fresh) {
			out = append(out, job.ID)
		}
	}
	return out
}

// handBackStaleLocked hands back at once the parts that received no
// message for staleAfter.
func (s *sink) handBackStaleLocked(now time.Time) {
	for _, p := range s.parts.Stale(now) {
		nakNow(p)
		s.cfg.Log.Warn().Str("job", p.Key().Job).Int64("part", p.Key().Seq).Int("rows", p.Len()).
			Msg("part incomplete with no new record for a minute: handing its records back")
	}
}

// relieveLocked breaks a stall (see parts.Assembler.Relieve): when a
// partition is near its message limit, or holds two parts' worth of rows,
// with nothing to write, its highest open part gives its messages back.
func (s *sink) relieveLocked() {
	limits := parts.Limits{Messages: s.pendingLimit() - s.cfg.BatchRows/2, Rows: 2 * s.cfg.BatchRows}
	for _, r := range s.parts.Relieve(limits) {
		for _, h := range r.Part.Tokens() {
			// A fixed short delay, not Done's growing one: the messages
			// are sound, only early, and their delivery count also grows
			// on every stop and stale hand-back, so a growing delay would
			// keep a part away for up to the consumer's 30s maximum.
			_ = h.Nak(time.Second)
		}
		s.cfg.Log.Warn().Str("job", r.Part.Key().Job).Int64("part", r.Part.Key().Seq).Int("partition", r.Partition).
			Int("held", r.Held).Int("rows", r.Rows).
			Msg("partition at its pending limit with no part complete: handing back the highest part's records")
	}
}
