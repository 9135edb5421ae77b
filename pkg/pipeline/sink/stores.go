package sink

import (
	"context"
	"errors"
	"fmt"

	"sync"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// outputOf is where a job's files go: its request's output, or the
// sink's default.
func outputOf(job *record.Job, cfg *settings) string {
	if job.Request.Output != "" {
		return job.Request.Output
	}
	return cfg.Output
}

// stores opens each output once and checks it on first use.
type stores struct {
	s3 store.S3Config
	// policy confines every output but the sink's own default, fallback.
	policy   location.Policy
	fallback string
	mu       sync.Mutex
	m        map[string]store.Store
}

func newStores(s3 store.S3Config) *stores { return &stores{s3: s3, m: map[string]store.Store{}} }

func (s *stores) open(ctx context.Context, output string) (store.Store, error) {
	if output == "" {
		return nil, errors.New("no output: the request names none and the sink has no default (--out or SYNTHDESK_OUTPUT)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[output]; ok {
		return st, nil
	}
	if output != s.fallback {
		if _, err := s.policy.Resolve(output); err != nil {
			return nil, fmt.Errorf("output %s: %w", output, err)
		}
	}
	st, err := store.Open(ctx, output, s.s3)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", output, err)
	}
	if err := st.Check(ctx); err != nil {
		return nil, fmt.Errorf("output %s: %w", output, err)
	}
	s.m[output] = st
	return st, nil
}
