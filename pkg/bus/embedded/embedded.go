// Package embedded starts a NATS server with JetStream inside the process:
// `synthdesk run` runs a whole job on one, and tests get one each. Only
// commands and tests import it, so the service binaries do not link the
// server.
package embedded

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Config configures an in-process NATS server with JetStream.
type Config struct {
	// StoreDir holds JetStream files; required.
	StoreDir string
	// Listen opens a TCP port on 127.0.0.1 (random when Port is 0);
	// otherwise only in-process connections are possible.
	Listen bool
	Port   int
	// User and Password, when set, are required from every client.
	User, Password string
}

// Start starts a NATS server inside this process and waits until it
// accepts connections. The caller shuts it down with Shutdown.
func Start(cfg Config) (*server.Server, error) {
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
