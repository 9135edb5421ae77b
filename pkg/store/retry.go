package store

import (
	"context"
	"time"
)

// Retry bounds used when S3Config leaves them zero.
const (
	defaultAttempts = 4
	defaultBackoff  = 250 * time.Millisecond
	maxBackoff      = 4 * time.Second
)

// retry runs op until it succeeds, fails permanently, attempts run out or
// ctx ends. op reports whether its error is transient. minio-go's own
// retries are disabled (MaxRetries 1) so this is the only bound: with the
// defaults a dead server fails a Put after about 1.75 s of waiting plus
// the connection attempts.
func retry(ctx context.Context, attempts int, backoff time.Duration, op func() (error, bool)) error {
	if attempts <= 0 {
		attempts = defaultAttempts
	}
	if backoff <= 0 {
		backoff = defaultBackoff
	}
	var err error
	for i := range attempts {
		var transient bool
		if err, transient = op(); err == nil || !transient || i == attempts-1 {
			return err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
	return err
}
