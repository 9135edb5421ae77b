package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// Who owns the topology: services create the streams and the job store
// when they are missing and never change an existing one, so a process
// started with other settings (fewer replicas, a shorter retention) cannot
// degrade what the operator set up; they report the difference with Drift
// instead. Clients only Bind. ApplyTopology is the one call that changes
// existing streams, for `synthdesk admin topology --apply`.

// Ensure creates every stream and the job store that is missing and binds
// the job store. Existing streams are left exactly as they are, whatever t
// says; Drift tells how they differ. Safe to call from every replica at
// start-up; while the JetStream cluster is not ready it waits (see
// Config.Waiting).
func (c *Conn) Ensure(ctx context.Context, t Topology) error {
	for _, cfg := range t.streams() {
		err := c.whenReady(ctx, "create stream "+cfg.Name, func(ctx context.Context) error {
			// Look first: the server checks a new config (replicas
			// against the cluster size) before it sees the name is taken.
			_, err := c.js.Stream(ctx, cfg.Name)
			if errors.Is(err, jetstream.ErrStreamNotFound) {
				_, err = c.js.CreateStream(ctx, cfg)
			}
			return err
		})
		if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return fmt.Errorf("ensure stream %s: %w", cfg.Name, err)
		}
	}
	var kv jetstream.KeyValue
	err := c.whenReady(ctx, "create job store "+JobsBucket, func(ctx context.Context) error {
		var err error
		kv, err = c.js.KeyValue(ctx, JobsBucket)
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			kv, err = c.js.CreateKeyValue(ctx, t.jobStore())
		}
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = c.js.KeyValue(ctx, JobsBucket)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("ensure job store %s: %w", JobsBucket, err)
	}
	c.jobs = &Jobs{kv: kv}
	return nil
}

// Bind binds the job store of an existing topology without creating or
// changing anything, as clients do. ErrNoTopology when a stream or the job
// store is missing.
func (c *Conn) Bind(ctx context.Context) error {
	var missing []string
	for _, name := range streamNames() {
		if _, err := c.js.Stream(ctx, name); errors.Is(err, jetstream.ErrStreamNotFound) {
			missing = append(missing, name)
		} else if err != nil {
			return fmt.Errorf("look up stream %s: %w", name, err)
		}
	}
	kv, err := c.js.KeyValue(ctx, JobsBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		missing = append(missing, JobsBucket)
	} else if err != nil {
		return fmt.Errorf("look up job store %s: %w", JobsBucket, err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w (missing: %s)", ErrNoTopology, strings.Join(missing, ", "))
	}
	c.jobs = &Jobs{kv: kv}
	return nil
}

// Drift compares the streams and the job store on the server with t and
// returns every difference; a missing stream is one change too. It
// changes nothing.
func (c *Conn) Drift(ctx context.Context, t Topology) ([]Change, error) {
	var out []Change
	for _, want := range t.wanted() {
		info, err := c.js.Stream(ctx, want.cfg.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			out = append(out, Change{Stream: want.cfg.Name, Field: "stream", Actual: "missing", Desired: "created"})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up stream %s: %w", want.cfg.Name, err)
		}
		out = append(out, compare(info.CachedInfo().Config, want.cfg, want.fields)...)
	}
	return out, nil
}

// ApplyTopology makes the server match t: missing streams are created and
// existing ones updated, replicas and limits included. It returns the
// changes it made. Settings JetStream cannot change in place (retention,
// storage) make it fail naming the stream.
func (c *Conn) ApplyTopology(ctx context.Context, t Topology) ([]Change, error) {
	changes, err := c.Drift(ctx, t)
	if err != nil {
		return nil, err
	}
	touched := map[string]bool{}
	for _, ch := range changes {
		touched[ch.Stream] = true
	}
	for _, cfg := range t.streams() {
		if !touched[cfg.Name] {
			continue
		}
		if _, err := c.js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return nil, fmt.Errorf("apply stream %s: %w", cfg.Name, err)
		}
	}
	if touched[jobStoreStream] {
		if _, err := c.js.CreateOrUpdateKeyValue(ctx, t.jobStore()); err != nil {
			return nil, fmt.Errorf("apply job store %s: %w", JobsBucket, err)
		}
	}
	return changes, c.Ensure(ctx, t)
}
