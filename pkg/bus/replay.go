package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrReplayStopped is matched (errors.Is) by the error of a Replay that
// stopped before the end the subject had when it started: a fetch brought
// nothing, or failed after bringing part of a batch. What fn was given so
// far is valid; callers that can work with a prefix may accept it.
var ErrReplayStopped = errors.New("replay stopped before the end")

// replayBatch and replayWait bound one fetch of a replay.
const (
	replayBatch = 1000
	replayWait  = 2 * time.Second
)

// LastSeq returns the stream sequence of the last message stored on
// subject in stream, 0 if none is.
func (c *Conn) LastSeq(ctx context.Context, stream, subject string) (uint64, error) {
	s, err := c.js.Stream(ctx, stream)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	msg, err := s.GetLastMsgForSubject(ctx, subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("last message of %s: %w", subject, err)
	}
	return msg.Sequence, nil
}

// Replay gives fn, in order, every message stored on subject in stream
// from sequence fromSeq (0: from the first), up to at least the last one
// stored when Replay started, and returns the sequence of the last message
// it gave fn (0 if none: nothing stored from fromSeq on). fn's error stops
// the replay and is returned wrapped. Messages appended meanwhile may or
// may not be given.
func (c *Conn) Replay(ctx context.Context, stream, subject string, fromSeq uint64, fn func(seq uint64, data []byte) error) (uint64, error) {
	end, err := c.LastSeq(ctx, stream, subject)
	if err != nil || end == 0 || end < fromSeq {
		return 0, err
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}}
	if fromSeq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, fromSeq
	}
	cons, err := c.js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		return 0, fmt.Errorf("replay %s: %w", subject, err)
	}
	var last uint64
	for last < end {
		n, err := replayFetch(cons, fn, &last)
		if err != nil {
			return last, fmt.Errorf("replay %s: %w", subject, err)
		}
		if n == 0 {
			return last, fmt.Errorf("replay %s: %w: at %d of %d", subject, ErrReplayStopped, last, end)
		}
	}
	return last, nil
}

// replayFetch gives fn one batch and returns how many messages it held;
// *last follows the messages fn accepted.
func replayFetch(cons jetstream.Consumer, fn func(seq uint64, data []byte) error, last *uint64) (int, error) {
	batch, err := cons.Fetch(replayBatch, jetstream.FetchMaxWait(replayWait))
	if err != nil {
		return 0, err
	}
	n := 0
	for msg := range batch.Messages() {
		n++
		meta, err := msg.Metadata()
		if err != nil {
			return n, err
		}
		seq := meta.Sequence.Stream
		if err := fn(seq, msg.Data()); err != nil {
			return n, fmt.Errorf("seq %d: %w", seq, err)
		}
		*last = seq
	}
	if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
		return n, fmt.Errorf("%w: %w", ErrReplayStopped, err)
	}
	return n, nil
}
