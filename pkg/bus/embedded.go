package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// EmbeddedConfig configures an in-process NATS server with JetStream.
type EmbeddedConfig struct {
	// StoreDir holds JetStream files; required.
	StoreDir string
	// Listen opens a TCP port on 127.0.0.1 (random when Port is 0);
	// otherwise only in-process connections are possible.
	Listen bool
	Port   int
	// User and Password, when set, are required from every client.
	User, Password string
}

// StartEmbedded starts a NATS server inside this process and waits until it
// accepts connections. The caller shuts it down with Shutdown.
func StartEmbedded(cfg EmbeddedConfig) (*server.Server, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("embedded nats: a store directory is required")
	}
	port := cfg.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "synthdesk-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		DontListen: !cfg.Listen,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		NoLog:      true,
		NoSigs:     true,
		// Large enough for a sink batch of records in one consumer.
		MaxPayload: 8 << 20,
		Username:   cfg.User,
		Password:   cfg.Password,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(15 * time.Second) {
		s.Shutdown()
		return nil, errors.New("embedded nats: not ready after 15s")
	}
	return s, nil
}

// ResetWorkConsumers deletes the durable consumers of the work-queue
// streams. A work queue keeps every message until it is acked, so the
// consumers the stages create next deliver the messages left unacked at
// once, instead of after each one's ack wait (up to minutes). Only for a
// store whose previous processes are all gone, as when an embedded run is
// resumed: a live replica would lose its deliveries.
func (c *Conn) ResetWorkConsumers(ctx context.Context) error {
	for _, name := range []string{StreamGenerate, StreamClassify, StreamValidate, StreamAccepted} {
		s, err := c.JS.Stream(ctx, name)
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
