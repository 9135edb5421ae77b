package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	// defaultTemperature asks the transport to drop the temperature the
	// langchaingo clients always send (0 when unset), so the server uses
	// the model's default instead of greedy decoding.
	defaultTemperature bool
}

type outcomeKey struct{}

func withOutcome(ctx context.Context, defaultTemperature bool) (context.Context, *outcome) {
	o := &outcome{defaultTemperature: defaultTemperature}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// recorder is an http.RoundTripper noting the outcome of each request whose
// context carries an *outcome.
type recorder struct{ base http.RoundTripper }

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	o, ok := req.Context().Value(outcomeKey{}).(*outcome)
	if ok && o.defaultTemperature && req.Body != nil {
		var err error
		if req, err = withoutTemperature(req); err != nil {
			o.err = err
			return nil, err
		}
	}
	resp, err := r.base.RoundTrip(req)
	if ok {
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

// withoutTemperature returns req with "temperature" removed from its JSON
// body: at the top level (OpenAI) and under "options" (Ollama). A body
// that is not a JSON object is sent as it is.
func withoutTemperature(req *http.Request) (*http.Request, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) == nil {
		delete(doc, "temperature")
		var opts map[string]json.RawMessage
		if raw, ok := doc["options"]; ok && json.Unmarshal(raw, &opts) == nil {
			delete(opts, "temperature")
			doc["options"], _ = json.Marshal(opts) // raw values always marshal
		}
		if b, err := json.Marshal(doc); err == nil {
			body = b
		}
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return r, nil
}
