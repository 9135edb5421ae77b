package remote

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// outcome is what the transport saw of one call's HTTP exchange. The
// langchaingo clients report HTTP failures as strings (and Ollama's client
// none at all for an error status with an empty body), so the transport
// records the status code to keep error classification typed.
type outcome struct {
	status     int
	retryAfter time.Duration
	err        error
}

type outcomeKey struct{}

func withOutcome(ctx context.Context) (context.Context, *outcome) {
	o := &outcome{}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// recorder is an http.RoundTripper noting the outcome of each request whose
// context carries an *outcome.
type recorder struct{ base http.RoundTripper }

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if o, ok := req.Context().Value(outcomeKey{}).(*outcome); ok {
		o.err = err
		if resp != nil {
			o.status = resp.StatusCode
			if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
				o.retryAfter = time.Duration(s) * time.Second
			}
		}
	}
	return resp, err
}

// NewHTTPClient returns a client for maxConns concurrent calls to one
// server. http.DefaultClient keeps only 2 idle connections per host, so a
// limiter running more calls would open and close connections constantly;
// this one keeps maxConns. It sets no overall timeout: backends put a
// deadline on each call instead.
func NewHTTPClient(maxConns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(maxConns, 100)
	t.MaxIdleConnsPerHost = max(maxConns, 2)
	return &http.Client{Transport: t}
}

// instrument returns a copy of c whose transport records outcomes.
func instrument(c *http.Client) *http.Client {
	if c == nil {
		c = NewHTTPClient(16)
	}
	cp := *c
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = recorder{base: base}
	return &cp
}
