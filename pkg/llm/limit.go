package llm

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"golang.org/x/time/rate"
)

// LimitConfig configures NewLimiter. Zero values take the defaults.
type LimitConfig struct {
	// MinInFlight and MaxInFlight bound the adaptive number of calls in
	// flight from this replica (defaults 1 and 16). InitialInFlight is
	// where the limit starts (default MinInFlight).
	MinInFlight, MaxInFlight, InitialInFlight int
	// Backoff is the multiplicative decrease on 429, 503 and timeouts
	// (default 0.9).
	Backoff float64
	// CongestionTolerance is the share of 429/503/timeouts in one round
	// trip's calls the window accepts before it shrinks (default 0: any
	// congestion signal shrinks it). Raise it for servers whose 429s do
	// not depend on load (per-key quotas, shared gateways).
	CongestionTolerance float64
	// RequestsPerSecond and TokensPerSecond are optional ceilings (0 = none).
	// Tokens are charged after each call from its reported usage.
	RequestsPerSecond float64
	TokensPerSecond   float64
	Retry             RetryConfig
	// BreakerThreshold is the number of consecutive retryable failures that
	// pause all callers (default 5; negative disables the breaker).
	// BreakerCooldown is the pause before a probe (default 2s).
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// Observer, when set, is told about every attempt.
	Observer Observer
	// After is the timer source for backoffs and the breaker (time.After
	// when nil); tests inject a fake one.
	After func(time.Duration) <-chan time.Time
}

// Observer receives the outcome of every attempt a Limiter makes, for
// metrics. Implementations must be safe for concurrent use and fast.
type Observer interface {
	ObserveCall(kind ErrorKind, usage Usage, d time.Duration)
}

// Limiter wraps a Backend with admission control, retries and a circuit
// breaker. It is safe for concurrent use.
type Limiter struct {
	b       Backend
	cfg     LimitConfig
	win     *window
	breaker *Breaker
	reqs    *rate.Limiter
	tokens  *rate.Limiter
	now     func() time.Time
}

// NewLimiter wraps b. Each attempt waits for the breaker, the rate ceilings
// and a slot of the adaptive window, in that order; retryable failures are
// retried with exponential backoff and jitter without holding a slot.
func NewLimiter(b Backend, cfg LimitConfig) *Limiter {
	cfg = cfg.withDefaults()
	l := &Limiter{
		b: b, cfg: cfg, now: time.Now,
		win:     newWindow(cfg.MinInFlight, cfg.MaxInFlight, cfg.InitialInFlight, cfg.Backoff, cfg.CongestionTolerance),
		breaker: NewBreaker(cfg.BreakerThreshold, cfg.BreakerCooldown, cfg.After),
	}
	if cfg.RequestsPerSecond > 0 {
		l.reqs = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), max(1, int(cfg.RequestsPerSecond)))
	}
	if cfg.TokensPerSecond > 0 {
		l.tokens = rate.NewLimiter(rate.Limit(cfg.TokensPerSecond), max(1, int(cfg.TokensPerSecond)))
	}
	return l
}

func (c LimitConfig) withDefaults() LimitConfig {
	if c.MinInFlight <= 0 {
		c.MinInFlight = 1
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 16
	}
	c.MaxInFlight = max(c.MaxInFlight, c.MinInFlight)
	if c.InitialInFlight <= 0 {
		c.InitialInFlight = c.MinInFlight
	}
	c.InitialInFlight = min(max(c.InitialInFlight, c.MinInFlight), c.MaxInFlight)
	if c.Backoff <= 0 || c.Backoff >= 1 {
		c.Backoff = 0.9
	}
	if c.BreakerThreshold == 0 {
		c.BreakerThreshold = 5
	}
	if c.BreakerCooldown <= 0 {
		c.BreakerCooldown = 2 * time.Second
	}
	if c.After == nil {
		c.After = time.After
	}
	if c.Retry.Jitter == nil {
		c.Retry.Jitter = rand.Float64
	}
	c.Retry = c.Retry.withDefaults()
	return c
}

// Name is the wrapped backend's name.
func (l *Limiter) Name(model string) string { return l.b.Name(model) }

// PromptVersion is the wrapped backend's prompt version.
func (l *Limiter) PromptVersion() string { return l.b.PromptVersion() }

// Breaker exposes the circuit breaker, for status reporting.
func (l *Limiter) Breaker() *Breaker { return l.breaker }

// InFlight returns the current adaptive limit and the calls in flight.
func (l *Limiter) InFlight() (limit float64, inflight int) { return l.win.current() }

// Generate runs call with admission control and retries. The returned
// Usage adds up every attempt; Usage.Retries counts the retries.
func (l *Limiter) Generate(ctx context.Context, call Call) (Result, error) {
	var total Usage
	for attempt := 1; ; attempt++ {
		res, err := l.attempt(ctx, call)
		total.Add(res.Usage)
		if err != nil {
			total.countError(KindOf(err), 1)
		}
		if err == nil {
			res.Usage = total
			return res, nil
		}
		if !IsRetryable(err) || attempt >= l.cfg.Retry.Attempts {
			return Result{Usage: total}, err
		}
		total.Retries++
		var ce *CallError
		errors.As(err, &ce)
		wait := l.cfg.Retry.Backoff(attempt, l.cfg.Retry.Jitter(), ce.RetryAfter)
		select {
		case <-l.cfg.After(wait):
		case <-ctx.Done():
			return Result{Usage: total}, errors.Join(err, ctx.Err())
		}
	}
}

// attempt makes one try through the breaker, the ceilings and the window.
func (l *Limiter) attempt(ctx context.Context, call Call) (Result, error) {
	probe, err := l.breaker.Acquire(ctx)
	if err != nil {
		return Result{}, err
	}
	kind := KindCanceled
	defer func() { l.breaker.Done(probe, kind) }()
	if l.reqs != nil {
		if err := l.reqs.Wait(ctx); err != nil {
			return Result{}, err
		}
	}
	if l.tokens != nil {
		// Wait until the bucket is not in debt; the cost is charged after.
		if err := l.tokens.WaitN(ctx, 1); err != nil {
			return Result{}, err
		}
	}
	ticket, err := l.win.acquire(ctx)
	if err != nil {
		return Result{}, err
	}
	start := l.now()
	res, err := l.b.Generate(ctx, call)
	d := l.now().Sub(start)
	kind = KindOf(err)
	l.win.release(ticket, kind)
	if l.tokens != nil {
		l.charge(res.Usage.PromptTokens + res.Usage.CompletionTokens)
	}
	if l.cfg.Observer != nil {
		l.cfg.Observer.ObserveCall(kind, res.Usage, d)
	}
	return res, err
}

// charge puts n tokens of debt on the token bucket, in pieces no larger
// than its burst since rate.Limiter refuses bigger reservations.
func (l *Limiter) charge(n int) {
	now := l.now()
	for n > 0 {
		k := min(n, l.tokens.Burst())
		l.tokens.ReserveN(now, k)
		n -= k
	}
}
