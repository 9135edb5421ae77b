package bus

import (
	"context"
	"fmt"
)

// ResetWorkConsumers deletes the durable consumers of the work-queue
// streams. A work queue keeps every message until it is acked, so the
// consumers the stages create next deliver the messages left unacked at
// once, instead of after each one's ack wait (up to minutes). Only for a
// store whose previous processes are all gone, as when an embedded run is
// resumed: a live replica would lose its deliveries.
func (c *Conn) ResetWorkConsumers(ctx context.Context) error {
	for _, name := range []string{StreamGenerate, StreamClassify, StreamValidate, StreamAccepted} {
		s, err := c.js.Stream(ctx, name)
		if err != nil {
			return fmt.Errorf("reset consumers of %s: %w", name, err)
		}
		names := s.ConsumerNames(ctx)
		var list []string
		for n := range names.Name() {
			list = append(list, n)
		}
		if err := names.Err(); err != nil {
			return fmt.Errorf("reset consumers of %s: %w", name, err)
		}
		for _, n := range list {
			if err := s.DeleteConsumer(ctx, n); err != nil {
				return fmt.Errorf("reset consumer %s of %s: %w", n, name, err)
			}
		}
	}
	return nil
}
