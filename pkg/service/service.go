// Package service is what the four service binaries share: the common
// configuration (NATS, operator endpoint, logging), bound to flags whose
// defaults come from the environment, and the start-up sequence that
// connects, ensures the topology, serves probes and metrics, and runs one
// stage. Only mains call it: the environment lookup is passed in.
package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
	"github.com/synthdesk/synthdesk/pkg/telemetry"
)

// Env looks up an environment variable (os.LookupEnv in mains).
type Env func(string) (string, bool)

// Common is the configuration every service has.
type Common struct {
	// envErrs are the environment values Bind could not use; Finish
	// reports them.
	envErrs []error

	NATS           bus.Config
	PasswordFile   string
	HTTPAddr       string
	LogLevel       string
	Concurrency    int
	Taxonomy       string
	StreamReplicas int
	Replica        string
}

// Bind registers the common flags on fs; each flag's default is its
// environment variable when set.
func (c *Common) Bind(fs *flag.FlagSet, env Env) {
	host, _ := os.Hostname()
	fs.StringVar(&c.NATS.URL, "nats", Str(env, "SYNTHDESK_NATS_URL", "nats://127.0.0.1:4222"), "NATS server URL [SYNTHDESK_NATS_URL]")
	fs.StringVar(&c.NATS.User, "nats-user", Str(env, "SYNTHDESK_NATS_USER", ""), "NATS user [SYNTHDESK_NATS_USER]")
	c.NATS.Password = Str(env, "SYNTHDESK_NATS_PASSWORD", "")
	fs.StringVar(&c.PasswordFile, "nats-password-file", Str(env, "SYNTHDESK_NATS_PASSWORD_FILE", ""), "file holding the NATS password (or set SYNTHDESK_NATS_PASSWORD) [SYNTHDESK_NATS_PASSWORD_FILE]")
	fs.StringVar(&c.NATS.NKeySeedFile, "nats-nkey-file", Str(env, "SYNTHDESK_NATS_NKEY_FILE", ""), "file holding an nkey seed [SYNTHDESK_NATS_NKEY_FILE]")
	fs.StringVar(&c.NATS.TLSCA, "nats-tls-ca", Str(env, "SYNTHDESK_NATS_TLS_CA", ""), "CA certificate to trust [SYNTHDESK_NATS_TLS_CA]")
	fs.StringVar(&c.NATS.TLSCert, "nats-tls-cert", Str(env, "SYNTHDESK_NATS_TLS_CERT", ""), "client certificate [SYNTHDESK_NATS_TLS_CERT]")
	fs.StringVar(&c.NATS.TLSKey, "nats-tls-key", Str(env, "SYNTHDESK_NATS_TLS_KEY", ""), "client key [SYNTHDESK_NATS_TLS_KEY]")
	fs.StringVar(&c.HTTPAddr, "http", Str(env, "SYNTHDESK_HTTP_ADDR", ":8080"), "address of /healthz, /readyz, /metrics [SYNTHDESK_HTTP_ADDR]")
	fs.StringVar(&c.LogLevel, "log-level", Str(env, "SYNTHDESK_LOG_LEVEL", "info"), "debug, info, warn or error [SYNTHDESK_LOG_LEVEL]")
	c.envErrs = append(c.envErrs, IntVar(fs, &c.Concurrency, "concurrency", env, "SYNTHDESK_CONCURRENCY", pipeline.DefaultConcurrency, "handler goroutines [SYNTHDESK_CONCURRENCY]"))
	fs.StringVar(&c.Taxonomy, "taxonomy", Str(env, "SYNTHDESK_TAXONOMY", ""), "taxonomy files, comma-separated (default: built-in) [SYNTHDESK_TAXONOMY]")
	c.envErrs = append(c.envErrs, IntVar(fs, &c.StreamReplicas, "stream-replicas", env, "SYNTHDESK_STREAM_REPLICAS", 1, "JetStream replicas of every stream [SYNTHDESK_STREAM_REPLICAS]"))
	fs.StringVar(&c.Replica, "replica", Str(env, "SYNTHDESK_REPLICA", host), "name of this replica in counters [SYNTHDESK_REPLICA]")
}

// Finish reads secret files and validates; it reports every problem.
func (c *Common) Finish() error {
	errs := c.envErrs
	if c.PasswordFile != "" {
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("nats password file: %w", err))
		}
		c.NATS.Password = strings.TrimSpace(string(b))
	}
	if err := c.NATS.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Concurrency < 1 || c.Concurrency > 1024 {
		errs = append(errs, fmt.Errorf("concurrency must be from 1 to 1024, got %d", c.Concurrency))
	}
	if c.StreamReplicas < 1 || c.StreamReplicas > 5 {
		errs = append(errs, fmt.Errorf("stream replicas must be from 1 to 5, got %d", c.StreamReplicas))
	}
	return errors.Join(errs...)
}

// LoadTaxonomy loads the configured taxonomy files, or the built-in one.
func (c *Common) LoadTaxonomy() (*taxonomy.Taxonomy, error) {
	return taxonomy.Load(SplitList(c.Taxonomy)...)
}

// Run connects to NATS, ensures the topology, serves the operator endpoint
// and runs stage until ctx ends, through pipeline.Assemble as `synthdesk
// run` does. met is the registry the operator endpoint serves: pass the one
// the stage's own parts already report to (the generator's LLM set), or
// nil for a new one.
func Run(ctx context.Context, c Common, log zerolog.Logger, met *telemetry.Metrics, stage pipeline.Stage) error {
	if err := stage.Validate(); err != nil {
		return err
	}
	tax, err := c.LoadTaxonomy()
	if err != nil {
		return err
	}
	c.NATS.Name = "synthdesk-" + stage.Name()
	conn, err := connect(ctx, c, log)
	if err != nil {
		return err
	}
	defer conn.Close()
	if met == nil {
		met = telemetry.NewMetrics()
	}
	d := pipeline.Deps{Conn: conn, Log: log, Metrics: met, Taxonomy: tax, Replica: c.Replica, Concurrency: c.Concurrency}
	go func() {
		if err := telemetry.Serve(ctx, c.HTTPAddr, met, conn.Ready); err != nil {
			log.Error().Err(err).Str("addr", c.HTTPAddr).Msg("operator endpoint stopped")
		}
	}()
	log.Info().Str("taxonomy", tax.Hash()).Msg("started")
	err = pipeline.Assemble(ctx, d, nil, stage)
	log.Info().Err(err).Msg("stopped")
	return err
}

// connect dials NATS and ensures the topology, waiting for a JetStream
// cluster that is still forming until ctx ends. Existing streams are left
// as they are; how they differ from this service's settings is logged.
func connect(ctx context.Context, c Common, log zerolog.Logger) (*bus.Conn, error) {
	c.NATS.Waiting = func(what string, err error, retryIn time.Duration) {
		log.Warn().Err(err).Str("step", what).Dur("retry_in", retryIn).Msg("waiting for JetStream: the server or cluster is not ready yet")
	}
	conn, err := bus.Connect(ctx, c.NATS)
	if err != nil {
		return nil, err
	}
	topology := bus.Topology{Replicas: c.StreamReplicas}
	if err := conn.Ensure(ctx, topology); err != nil {
		conn.Close()
		return nil, err
	}
	drift, err := conn.Drift(ctx, topology)
	if err != nil {
		log.Warn().Err(err).Msg("topology not compared with the server")
	}
	for _, ch := range drift {
		log.Warn().Str("stream", ch.Stream).Str("setting", ch.Field).Str("on_server", ch.Actual).Str("wanted", ch.Desired).
			Msg("stream differs from this service's settings and is left as it is; `synthdesk admin topology` shows the difference, --apply changes it")
	}
	return conn, nil
}

// Str is env[key] or def.
func Str(env Env, key, def string) string {
	if v, ok := env(key); ok && v != "" {
		return v
	}
	return def
}

// IntVar registers an integer flag whose default is env[key] when set,
// else def. A set value that is not an integer is an error for the
// caller to report with the rest of the configuration (the flag then
// defaults to def): a mistyped variable must not pass for the default.
func IntVar(fs *flag.FlagSet, p *int, name string, env Env, key string, def int, usage string) error {
	n := def
	var err error
	if v, ok := env(key); ok && v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			n, err = def, fmt.Errorf("%s=%q is not an integer", key, v)
		}
	}
	fs.IntVar(p, name, n, usage)
	return err
}

// SplitList splits a comma-separated list, dropping empty items.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
