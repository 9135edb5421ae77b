package llm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"
)

// ErrorKind classifies the outcome of one backend call. Observers receive
// it; IsRetryable is derived from it.
type ErrorKind string

// Outcomes of a call.
const (
	KindOK ErrorKind = "ok"
	// KindRateLimited is HTTP 429.
	KindRateLimited ErrorKind = "rate_limited"
	// KindUnavailable is HTTP 503 (overloaded or loading a model).
	KindUnavailable ErrorKind = "unavailable"
	// KindServer is HTTP 500, 502 or 504.
	KindServer ErrorKind = "server"
	// KindTimeout is a per-call deadline or a network timeout.
	KindTimeout ErrorKind = "timeout"
	// KindConnection is a refused, reset or otherwise broken connection.
	KindConnection ErrorKind = "connection"
	// KindPermanent is a request the server will never accept as sent:
	// 400, 401, 403, 404 (model not found), an unknown model, a bad config.
	KindPermanent ErrorKind = "permanent"
	// KindCanceled is a call abandoned because the caller's context ended.
	KindCanceled ErrorKind = "canceled"
)

// CallError is a failed backend call. Backends return it (wrapped or not)
// so callers classify failures with errors.As instead of reading messages.
// Its message never contains credentials.
type CallError struct {
	// Backend is "ollama", "openai" or another backend name.
	Backend string
	// Status is the HTTP status code, 0 when no response arrived.
	Status int
	Kind   ErrorKind
	// RetryAfter is the server's Retry-After hint, 0 when absent.
	RetryAfter time.Duration
	Err        error
}

func (e *CallError) Error() string {
	msg := e.Backend + ": " + string(e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CallError) Unwrap() error { return e.Err }

// Retryable reports whether the same call may succeed later.
func (e *CallError) Retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindUnavailable, KindServer, KindTimeout, KindConnection:
		return true
	}
	return false
}

// congestion reports whether the failure says the server is overloaded,
// the signal the adaptive limiter backs off on.
func (k ErrorKind) congestion() bool {
	return k == KindRateLimited || k == KindUnavailable || k == KindTimeout
}

// KindForStatus maps an HTTP status code to an ErrorKind.
func KindForStatus(status int) ErrorKind {
	switch {
	case status < 400:
		return KindOK
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == http.StatusServiceUnavailable:
		return KindUnavailable
	case status == http.StatusRequestTimeout:
		return KindTimeout
	case status >= 500:
		return KindServer
	}
	return KindPermanent
}

// IsRetryable reports whether err is a CallError worth retrying: HTTP 429,
// 500, 502, 503, 504, timeouts and refused or reset connections. Errors of
// any other type, including a caller's own cancelled context, are not.
func IsRetryable(err error) bool {
	var ce *CallError
	return errors.As(err, &ce) && ce.Retryable()
}

// KindOf classifies err: KindOK for nil, the CallError's kind, KindCanceled
// for context errors and KindPermanent for anything else.
func KindOf(err error) ErrorKind {
	var ce *CallError
	switch {
	case err == nil:
		return KindOK
	case errors.As(err, &ce):
		return ce.Kind
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return KindCanceled
	}
	return KindPermanent
}

// RetryConfig bounds retries of retryable failures.
type RetryConfig struct {
	// Attempts is the total number of tries of one call (default 5).
	Attempts int
	// Base is the first backoff (default 250ms); each retry doubles it up
	// to Max (default 10s).
	Base, Max time.Duration
	// Jitter returns a number in [0,1) scaling each backoff into
	// [backoff/2, backoff); nil uses a math/rand/v2 draw. Tests inject it.
	Jitter func() float64
}

func (c RetryConfig) withDefaults() RetryConfig {
	if c.Attempts <= 0 {
		c.Attempts = 5
	}
	if c.Base <= 0 {
		c.Base = 250 * time.Millisecond
	}
	if c.Max <= 0 {
		c.Max = 10 * time.Second
	}
	return c
}

// Backoff is the wait before retry number n (1 for the first retry), with
// jitter j in [0,1), never less than the server's retryAfter hint.
func (c RetryConfig) Backoff(n int, j float64, retryAfter time.Duration) time.Duration {
	c = c.withDefaults()
	d := float64(c.Base) * math.Pow(2, float64(n-1))
	d = math.Min(d, float64(c.Max))
	d = d/2 + d/2*j
	return max(time.Duration(d), retryAfter)
}
