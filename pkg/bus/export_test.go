package bus

import "github.com/nats-io/nats.go/jetstream"

// JetStreamOf exposes a connection's JetStream context to this package's
// external tests, which inspect and tamper with streams directly.
func JetStreamOf(c *Conn) jetstream.JetStream { return c.js }
