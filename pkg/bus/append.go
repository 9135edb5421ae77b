package bus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrWrongLast is matched (errors.Is) by the error of an AppendIfLast whose
// subject no longer ends at the expected sequence: another writer appended
// first.
var ErrWrongLast = errors.New("subject does not end at the expected sequence")

// AppendIfLast stores data on subject only if the last message stored on
// that subject has sequence last (0: if none is stored), and returns the
// new message's stream sequence. It is the compare-and-set of a log with
// several writers: on ErrWrongLast, read what the others appended (Replay)
// and try again.
func (c *Conn) AppendIfLast(ctx context.Context, subject string, data []byte, last uint64) (uint64, error) {
	ack, err := c.js.Publish(ctx, subject, data, jetstream.WithExpectLastSequencePerSubject(last))
	if isWrongLast(err) {
		return 0, fmt.Errorf("append to %s after %d: %w: %w", subject, last, ErrWrongLast, err)
	}
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", subject, err)
	}
	return ack.Sequence, nil
}

// isWrongLast matches both codes the server uses for a failed expected
// last sequence: replicated streams answer with the second one.
func isWrongLast(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
