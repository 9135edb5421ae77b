package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Errors of the job store.
var (
	// ErrNotFound is matched (errors.Is) by every read of a key that is
	// not stored, ErrJobNotFound included.
	ErrNotFound    = errors.New("not found")
	ErrJobNotFound = fmt.Errorf("job %w", ErrNotFound)
	ErrJobExists   = errors.New("job already exists")
)

// Jobs is the job store, a JetStream key-value bucket. Keys of a job all
// start with its id:
//
//	<job>.state                       record.Job
//	<job>.counts.<stage>.<replica>    Counts of one replica of a stage
//	<job>.part.<seq>                  a written Parquet part (sink)
//
// Safe for concurrent use.
type Jobs struct {
	kv jetstream.KeyValue
}

// Key joins key tokens of a job.
func Key(jobID string, tokens ...string) string {
	return jobID + "." + strings.Join(tokens, ".")
}

// Create stores a new job; ErrJobExists if the id is taken.
func (j *Jobs) Create(ctx context.Context, job record.Job) error {
	b, err := json.Marshal(job)
	if err != nil {
		return err
	}
	if _, err := j.kv.Create(ctx, Key(job.ID, "state"), b); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return fmt.Errorf("%w: %s", ErrJobExists, job.ID)
		}
		return fmt.Errorf("create job %s: %w", job.ID, err)
	}
	return nil
}

// Get reads a job's state.
func (j *Jobs) Get(ctx context.Context, id string) (record.Job, error) {
	var job record.Job
	_, err := j.GetJSON(ctx, Key(id, "state"), &job)
	if errors.Is(err, ErrNotFound) {
		return job, fmt.Errorf("%w: %s", ErrJobNotFound, id)
	}
	return job, err
}

// Update applies fn to the job's state with compare-and-set, retrying on
// concurrent updates. fn may be called several times.
func (j *Jobs) Update(ctx context.Context, id string, fn func(*record.Job) error) (record.Job, error) {
	key := Key(id, "state")
	for {
		var job record.Job
		rev, err := j.GetJSON(ctx, key, &job)
		if errors.Is(err, ErrNotFound) {
			return job, fmt.Errorf("%w: %s", ErrJobNotFound, id)
		}
		if err != nil {
			return job, err
		}
		if err := fn(&job); err != nil {
			return job, err
		}
		b, err := json.Marshal(job)
		if err != nil {
			return job, err
		}
		_, err = j.kv.Update(ctx, key, b, rev)
		if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			continue
		}
		if err != nil {
			return job, fmt.Errorf("update job %s: %w", id, err)
		}
		return job, nil
	}
}

// PutJSON stores v under key.
func (j *Jobs) PutJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := j.kv.Put(ctx, key, b); err != nil {
		return fmt.Errorf("job store put %s: %w", key, err)
	}
	return nil
}

// GetJSON decodes the value under key into v and returns its revision. A
// key that is not stored gives an error matching ErrNotFound (and, for
// callers written against the client library, jetstream.ErrKeyNotFound).
func (j *Jobs) GetJSON(ctx context.Context, key string, v any) (uint64, error) {
	e, err := j.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, fmt.Errorf("job store %s: %w: %w", key, ErrNotFound, err)
	}
	if err != nil {
		return 0, fmt.Errorf("job store get %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return 0, fmt.Errorf("job store %s: %w", key, err)
	}
	return e.Revision(), nil
}

// List returns the values of the keys matching a filter (NATS wildcards).
func (j *Jobs) List(ctx context.Context, filter string) (map[string][]byte, error) {
	lister, err := j.kv.ListKeysFiltered(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("job store list %s: %w", filter, err)
	}
	out := map[string][]byte{}
	for key := range lister.Keys() {
		e, err := j.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[key] = e.Value()
	}
	return out, nil
}

// Watch streams the state of every job as it changes, starting with the
// current states. The channel closes when ctx ends.
func (j *Jobs) Watch(ctx context.Context) (<-chan record.Job, error) {
	w, err := j.kv.Watch(ctx, "*.state")
	if err != nil {
		return nil, fmt.Errorf("watch jobs: %w", err)
	}
	out := make(chan record.Job, 16)
	go func() {
		defer close(out)
		defer w.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				if e == nil || e.Operation() != jetstream.KeyValuePut {
					continue
				}
				var job record.Job
				if json.Unmarshal(e.Value(), &job) != nil {
					continue
				}
				select {
				case out <- job:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
