package bus

import (
	"context"
	"fmt"
)

// Pending returns how many messages a durable consumer has not finished:
// those not delivered yet plus those delivered and not acknowledged. It is
// a stage's backlog, for backpressure and the pending gauge.
func (c *Conn) Pending(ctx context.Context, stream, durable string) (int64, error) {
	cons, err := c.js.Consumer(ctx, stream, durable)
	if err != nil {
		return 0, fmt.Errorf("consumer %s on %s: %w", durable, stream, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("consumer %s on %s: %w", durable, stream, err)
	}
	return int64(info.NumPending) + int64(info.NumAckPending), nil
}

// ConsumersPending returns the messages of stream not yet delivered,
// summed over every consumer of the stream (a message two consumers both
// wait for counts twice). On error the sum holds the consumers listed
// before it.
func (c *Conn) ConsumersPending(ctx context.Context, stream string) (int64, error) {
	s, err := c.js.Stream(ctx, stream)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	infos := s.ListConsumers(ctx)
	var n int64
	for info := range infos.Info() {
		n += int64(info.NumPending)
	}
	if err := infos.Err(); err != nil {
		return n, fmt.Errorf("consumers of %s: %w", stream, err)
	}
	return n, nil
}

// StreamMsgs returns how many messages stream stores.
func (c *Conn) StreamMsgs(ctx context.Context, stream string) (uint64, error) {
	s, err := c.js.Stream(ctx, stream)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	return info.State.Msgs, nil
}
