package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Config is how a process reaches NATS. Secrets are read by main from the
// environment or files and passed here; they are never logged.
type Config struct {
	URL      string
	Name     string
	User     string
	Password string
	// NKeySeedFile is a file holding an nkey seed (nkey auth).
	NKeySeedFile string
	// TLS: a CA to trust, and a client certificate and key.
	TLSCA, TLSCert, TLSKey string
	// InProcess connects to an embedded server without a socket.
	InProcess nats.InProcessConnProvider
	// Waiting, when set, makes Connect and Ensure wait for a JetStream
	// that is not ready yet (a cluster forming, JetStream starting) until
	// their context ends, and is told about every wait. Services set it;
	// clients leave it nil and fail at once.
	Waiting Waiting
}

// Validate reports every configuration problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.URL == "" && c.InProcess == nil {
		errs = append(errs, errors.New("nats url is required (--nats or SYNTHDESK_NATS_URL)"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("nats tls: give both a client certificate and its key, or neither"))
	}
	if c.User != "" && c.NKeySeedFile != "" {
		errs = append(errs, errors.New("nats auth: use user/password or an nkey, not both"))
	}
	return errors.Join(errs...)
}

// Conn is a NATS connection with its JetStream context.
type Conn struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	jobs    *Jobs
	waiting Waiting
}

// Connect dials NATS and prepares JetStream. The connection retries its
// server forever once established; the first dial must succeed.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.Timeout(5 * time.Second),
	}
	if cfg.User != "" {
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	if cfg.NKeySeedFile != "" {
		opt, err := nats.NkeyOptionFromSeed(cfg.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("nats nkey seed %s: %w", cfg.NKeySeedFile, err)
		}
		opts = append(opts, opt)
	}
	if cfg.TLSCA != "" {
		opts = append(opts, nats.RootCAs(cfg.TLSCA))
	}
	if cfg.TLSCert != "" {
		opts = append(opts, nats.ClientCert(cfg.TLSCert, cfg.TLSKey))
	}
	if cfg.InProcess != nil {
		opts = append(opts, nats.InProcessServer(cfg.InProcess))
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to nats %s: %w", redactURL(cfg.URL), err)
	}
	// An acknowledgement that never comes (a lost reply) fails its publish
	// after a while instead of holding the input message forever.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(16384), jetstream.WithPublishAsyncTimeout(time.Minute))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	c := &Conn{nc: nc, js: js, waiting: cfg.Waiting}
	err = c.whenReady(ctx, "reach JetStream", func(ctx context.Context) error {
		_, err := js.AccountInfo(ctx)
		return err
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream is not available on %s: %w", redactURL(cfg.URL), err)
	}
	return c, nil
}

// Close drains the connection: pending publishes are flushed.
func (c *Conn) Close() {
	if c == nil || c.nc == nil {
		return
	}
	_ = c.nc.Drain()
	c.nc.Close()
}

// Abort closes the connection at once, without draining: pending
// publishes are lost and held messages are left to their AckWait, as when
// the process is killed. Used to simulate a crash.
func (c *Conn) Abort() {
	if c == nil || c.nc == nil {
		return
	}
	c.nc.Close()
}

// Jobs is the job store; valid after Ensure.
func (c *Conn) Jobs() (*Jobs, error) {
	if c.jobs == nil {
		return nil, ErrNotEnsured
	}
	return c.jobs, nil
}

// Ready reports whether the connection is usable, for readiness probes.
func (c *Conn) Ready() error {
	if c == nil || c.nc == nil || !c.nc.IsConnected() {
		return errors.New("nats: not connected")
	}
	if c.jobs == nil {
		return ErrNotEnsured
	}
	return nil
}
