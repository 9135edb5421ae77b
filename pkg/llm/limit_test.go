package llm

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted is a Backend answering from a list of errors, then succeeding.
type scripted struct {
	mu    sync.Mutex
	errs  []error
	calls atomic.Int32
}

func (s *scripted) Generate(_ context.Context, call Call) (Result, error) {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	u := Usage{Calls: 1, PromptTokens: 10, CompletionTokens: 5}
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return Result{Usage: u}, err
	}
	return Result{Drafts: make([]Draft, len(call.Specs)), Usage: u}, nil
}
func (s *scripted) Name(m string) string  { return "scripted/" + m }
func (s *scripted) PromptVersion() string { return "p1" }

// immediate is a timer source that fires at once, so backoffs take no time.
func immediate(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

type recorder struct {
	mu    sync.Mutex
	kinds []ErrorKind
}

func (r *recorder) ObserveCall(k ErrorKind, _ Usage, _ time.Duration) {
	r.mu.Lock()
	r.kinds = append(r.kinds, k)
	r.mu.Unlock()
}

func TestLimiterRetries(t *testing.T) {
	e429 := &CallError{Backend: "x", Status: 429, Kind: KindRateLimited}
	e503 := &CallError{Backend: "x", Status: 503, Kind: KindUnavailable}
	e400 := &CallError{Backend: "x", Status: 400, Kind: KindPermanent}
	tests := []struct {
		name        string
		errs        []error
		wantErr     bool
		wantCalls   int32
		wantRetries int
	}{
		{name: "ok first time", wantCalls: 1},
		{name: "429 then 503 then ok", errs: []error{e429, e503}, wantCalls: 3, wantRetries: 2},
		{name: "400 is permanent", errs: []error{e400}, wantErr: true, wantCalls: 1},
		{name: "attempts bounded", errs: []error{e429, e429, e429, e429}, wantErr: true, wantCalls: 3, wantRetries: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &scripted{errs: tc.errs}
			obs := &recorder{}
			l := NewLimiter(b, LimitConfig{Retry: RetryConfig{Attempts: 3}, After: immediate,
				Observer: obs, BreakerThreshold: -1})
			res, err := l.Generate(context.Background(), Call{Specs: make([]Spec, 2)})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if got := b.calls.Load(); got != tc.wantCalls {
				t.Errorf("calls = %d, want %d", got, tc.wantCalls)
			}
			if res.Usage.Retries != tc.wantRetries || res.Usage.Calls != int(tc.wantCalls) {
				t.Errorf("usage = %+v, want %d retries, %d calls", res.Usage, tc.wantRetries, tc.wantCalls)
			}
			if len(obs.kinds) != int(tc.wantCalls) {
				t.Errorf("observed %v", obs.kinds)
			}
		})
	}
}

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "nil", err: nil},
		{name: "429 wrapped", err: fmtWrap(&CallError{Status: 429, Kind: KindForStatus(429)}), want: true},
		{name: "502", err: &CallError{Status: 502, Kind: KindForStatus(502)}, want: true},
		{name: "504", err: &CallError{Status: 504, Kind: KindForStatus(504)}, want: true},
		{name: "404", err: &CallError{Status: 404, Kind: KindForStatus(404)}},
		{name: "401", err: &CallError{Status: 401, Kind: KindForStatus(401)}},
		{name: "timeout", err: &CallError{Kind: KindTimeout}, want: true},
		{name: "connection", err: &CallError{Kind: KindConnection}, want: true},
		{name: "caller cancelled", err: context.Canceled},
		{name: "plain error", err: errors.New("x")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsRetryable(tc.err); got != tc.want {
				t.Errorf("IsRetryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func fmtWrap(err error) error { return errors.Join(errors.New("generate"), err) }

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c := RetryConfig{Base: 100 * time.Millisecond, Max: time.Second}
	tests := []struct {
		name string
		n    int
		j    float64
		ra   time.Duration
		want time.Duration
	}{
		{name: "first no jitter", n: 1, j: 0, want: 50 * time.Millisecond},
		{name: "third full jitter", n: 3, j: 1, want: 400 * time.Millisecond},
		{name: "capped", n: 10, j: 1, want: time.Second},
		{name: "retry-after wins", n: 1, j: 0, ra: 3 * time.Second, want: 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Backoff(tc.n, tc.j, tc.ra); got != tc.want {
				t.Errorf("Backoff = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWindowAIMD(t *testing.T) {
	w := newWindow(2, 10, 2, 0.5, 0)
	ctx := context.Background()
	a, _ := w.acquire(ctx)
	w.release(a, KindOK) // slow start: +1
	if l, _ := w.current(); l != 3 {
		t.Fatalf("limit after success = %v, want 3", l)
	}
	t1, _ := w.acquire(ctx)
	t2, _ := w.acquire(ctx)
	w.release(t1, KindRateLimited) // cut to 1.5 -> floored at min 2
	w.release(t2, KindRateLimited) // same round trip: ignored
	if l, _ := w.current(); l != 2 {
		t.Fatalf("limit after two 429s of one round = %v, want 2", l)
	}
	for range 20 {
		tk, _ := w.acquire(ctx)
		w.release(tk, KindOK)
	}
	if l, _ := w.current(); l <= 2 || l > 10 {
		t.Fatalf("limit after congestion avoidance = %v", l)
	}
}

func TestWindowBlocksAtLimit(t *testing.T) {
	w := newWindow(1, 1, 1, 0.5, 0)
	tk, _ := w.acquire(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire beyond limit = %v, want context.Canceled", err)
	}
	w.release(tk, KindOK)
	if _, err := w.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWindowTolerance(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		badEvery int // every n-th call is a 429
		wantCut  bool
	}{
		{name: "10 percent under tolerance", badEvery: 10},
		{name: "50 percent over tolerance", badEvery: 2, wantCut: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWindow(1, 8, 8, 0.5, 0.25)
			w.slowStart = false
			for i := range 40 {
				tk, _ := w.acquire(ctx)
				kind := KindOK
				if i%tc.badEvery == 0 {
					kind = KindRateLimited
				}
				w.release(tk, kind)
			}
			l, _ := w.current()
			if cut := l < 8; cut != tc.wantCut {
				t.Errorf("limit = %v, want cut %v", l, tc.wantCut)
			}
		})
	}
}
