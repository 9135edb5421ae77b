package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// ConsumerSpec is a durable pull consumer and how one replica runs it. Any
// number of replicas running the same spec share the consumer.
type ConsumerSpec struct {
	// Stage names the stage in logs, metrics and dead-letter subjects.
	Stage   string
	Stream  string
	Durable string
	// Filter restricts the consumer to a subject of the stream.
	Filter string
	// AckWait is how long a delivered message may stay unacknowledged
	// before JetStream redelivers it (default 15s). The runtime keeps the
	// messages a handler is running on, or holds, alive with InProgress
	// every third of it, so AckWait does not bound how long a handler or a
	// hold may take: it bounds how long the messages of a replica that
	// died stay hidden from the live ones.
	AckWait time.Duration
	// MaxDeliver bounds deliveries; the last failing one is dead-lettered
	// by the DeadLetter middleware (default 10).
	MaxDeliver int
	// MaxAckPending bounds unacknowledged messages across all replicas:
	// the stage's backpressure (default 1024).
	MaxAckPending int
	// Concurrency is the number of handler goroutines in this replica
	// (default 8).
	Concurrency int
	// PriorityGroup, when set, pins the consumer to one replica at a time
	// (JetStream's pinned-client priority policy); others stand by and take
	// over PinnedTTL (default 10s) after the pinned one stops pulling. The
	// pinned replica renews its pin with a pull request at least every
	// third of PinnedTTL, and a replica that stops unpins the consumer
	// once it has handed its messages back, so a standby takes over at
	// once.
	PriorityGroup string
	PinnedTTL     time.Duration
	// Buffer is how many messages this replica pulls ahead of its handlers
	// (default max(8*Concurrency, 256), bounded by MaxAckPending). Stages
	// with slow handlers keep it near Concurrency: a buffered message is
	// not kept alive and is redelivered if it waits longer than AckWait.
	Buffer int
	// NakDelay is the first retry delay; it doubles per delivery up to
	// NakMaxDelay (defaults 250ms and 30s).
	NakDelay, NakMaxDelay time.Duration
	// Grace is how long in-flight handlers and held messages may take to
	// settle after the context is cancelled (default 20s); whatever is
	// still unsettled then is handed back (Nak) for redelivery at once.
	Grace time.Duration
	// Log, when set, receives a line when a stopping replica hands
	// messages back.
	Log *zerolog.Logger
}

// pullExpiry is how long a pull request of a consumer without a priority
// group waits for messages before the next one is sent.
const pullExpiry = 5 * time.Second

// DefaultConcurrency is the number of handler goroutines of a consumer
// whose spec sets none.
const DefaultConcurrency = 8

func (s *ConsumerSpec) defaults() {
	if s.AckWait == 0 {
		s.AckWait = 15 * time.Second
	}
	if s.MaxDeliver == 0 {
		s.MaxDeliver = 10
	}
	if s.MaxAckPending == 0 {
		s.MaxAckPending = 1024
	}
	if s.Concurrency == 0 {
		s.Concurrency = DefaultConcurrency
	}
	if s.PinnedTTL == 0 {
		// The pinned replica renews its pull request every third of it,
		// even while it holds its full MaxAckPending.
		s.PinnedTTL = 10 * time.Second
	}
	if s.Buffer == 0 {
		s.Buffer = max(8*s.Concurrency, 256)
	}
	if s.NakDelay == 0 {
		s.NakDelay = 250 * time.Millisecond
	}
	if s.NakMaxDelay == 0 {
		s.NakMaxDelay = 30 * time.Second
	}
	if s.Grace == 0 {
		s.Grace = 20 * time.Second
	}
}

func (s ConsumerSpec) config() jetstream.ConsumerConfig {
	cfg := jetstream.ConsumerConfig{
		Durable:       s.Durable,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       s.AckWait,
		MaxDeliver:    s.MaxDeliver,
		MaxAckPending: s.MaxAckPending,
		FilterSubject: s.Filter,
		// Larger pulls keep the pipeline fed at high rates.
		MaxRequestBatch: 0,
	}
	if s.PriorityGroup != "" {
		cfg.PriorityPolicy = jetstream.PriorityPolicyPinned
		cfg.PriorityGroups = []string{s.PriorityGroup}
		cfg.PinnedTTL = s.PinnedTTL
	}
	return cfg
}

// Consumer creates (or updates) the durable consumer of spec; idempotent.
func (c *Conn) Consumer(ctx context.Context, spec ConsumerSpec) (jetstream.Consumer, error) {
	spec.defaults()
	var cons jetstream.Consumer
	err := c.whenReady(ctx, "create consumer "+spec.Durable, func(ctx context.Context) error {
		var err error
		cons, err = c.js.CreateOrUpdateConsumer(ctx, spec.Stream, spec.config())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", spec.Durable, spec.Stream, err)
	}
	return cons, nil
}

// Run consumes spec with h until ctx is cancelled, then stops pulling,
// lets in-flight and already-buffered messages finish and held ones settle
// within spec.Grace, hands back (Nak) whatever is left so another replica
// takes it at once, gives up the consumer's pin if this replica held it,
// and returns.
func (c *Conn) Run(ctx context.Context, spec ConsumerSpec, h Handler) error {
	spec.defaults()
	cons, err := c.Consumer(ctx, spec)
	if err != nil {
		return err
	}
	// Missed heartbeats (the server leading the consumer died, or the link
	// stalled) are not the end of the consumer: the iterator pulls again by
	// itself, through a reconnect or a new consumer leader.
	mopts := []jetstream.PullMessagesOpt{jetstream.PullMaxMessages(spec.Buffer), jetstream.WithMessagesErrOnMissingHeartbeat(false)}
	if spec.PriorityGroup != "" {
		// A pull request renews the pin: expire them well within the TTL
		// so a replica with nothing to pull still renews it.
		mopts = append(mopts, jetstream.PullPriorityGroup(spec.PriorityGroup),
			jetstream.PullExpiry(max(spec.PinnedTTL/3, time.Second)))
	} else {
		// A pull request lost with a server that restarted is noticed by
		// missed heartbeats, two of them (half the expiry each): with the
		// library's 30 s expiry a consumer could stand idle for 30 s after
		// a restart.
		mopts = append(mopts, jetstream.PullExpiry(pullExpiry))
	}
	it, err := cons.Messages(mopts...)
	if err != nil {
		return fmt.Errorf("consume %s: %w", spec.Durable, err)
	}
	tr := newTracker()
	kctx, kcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer kcancel()
	go tr.keepAlive(kctx, max(spec.AckWait/3, 100*time.Millisecond))
	// Handlers keep running through the grace period after ctx ends;
	// endGrace cancels them and closes graceOver.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	graceOver := make(chan struct{})
	var graceOnce sync.Once
	endGrace := func() {
		graceOnce.Do(func() {
			close(graceOver)
			hcancel()
		})
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-kctx.Done():
			return
		}
		it.Drain()
		t := time.NewTimer(spec.Grace)
		defer t.Stop()
		select {
		case <-t.C:
			endGrace()
		case <-kctx.Done():
		}
	}()
	// Workers hand successful messages with their publishes in flight to
	// the settler, which acks each once JetStream stored its outputs: a
	// worker never waits a round trip, so throughput is not bound by
	// latency times concurrency.
	settle := make(chan settlement, 4*spec.Concurrency)
	settled := make(chan struct{})
	go func() {
		defer close(settled)
		for s := range settle {
			s.finish(hctx, &spec, tr)
		}
	}()
	var pin pinSeen
	var wg sync.WaitGroup
	for range spec.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{conn: c, spec: &spec, h: h, settle: settle, tr: tr, pin: &pin}
			for {
				raw, err := it.Next()
				if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
					return
				}
				if err != nil {
					// Not the end of the iterator: a worker that returned
					// here would leave the replica alive and idle.
					w.transient(err)
					continue
				}
				w.process(hctx, raw, graceOver)
			}
		}()
	}
	wg.Wait()
	close(settle)
	<-settled
	// Held messages: wait for their holders within the grace period, then
	// hand back the rest. A consumer that ended without ctx (deleted, say)
	// gives its holders the same time.
	if ctx.Err() == nil {
		t := time.AfterFunc(spec.Grace, endGrace)
		defer t.Stop()
	}
	if n := tr.settle(graceOver); n > 0 && spec.Log != nil {
		spec.Log.Info().Str("stage", spec.Stage).Str("consumer", spec.Durable).Int("messages", n).
			Msg("stopping: unsettled messages handed back for redelivery")
	}
	kcancel()
	endGrace()
	if spec.PriorityGroup != "" {
		c.unpin(&spec, pin.get())
	}
	if ctx.Err() == nil && !c.nc.IsClosed() && spec.Log != nil {
		// Not stopping, yet the iterator ended (the consumer was deleted,
		// say): say so rather than idle silently.
		spec.Log.Error().Str("stage", spec.Stage).Str("consumer", spec.Durable).Str("stream", spec.Stream).
			Msg("messages stopped arriving while running: the consumer was deleted or refused the pull; restart the service")
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return ctx.Err()
}

// pinSeen is the pin id the server last delivered a message under.
type pinSeen struct {
	mu sync.Mutex
	id string
}

func (p *pinSeen) set(id string) {
	if id == "" {
		return
	}
	p.mu.Lock()
	p.id = id
	p.mu.Unlock()
}

func (p *pinSeen) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.id
}

// unpin releases the consumer's pin if this replica holds it, so a
// standby replica is pinned on its next pull instead of after PinnedTTL.
// Best effort: on failure the pin simply expires.
func (c *Conn) unpin(spec *ConsumerSpec, pin string) {
	if pin == "" || c.nc.IsClosed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	cons, err := c.js.Consumer(ctx, spec.Stream, spec.Durable)
	if err != nil {
		return
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return
	}
	for _, g := range info.PriorityGroups {
		if g.Group == spec.PriorityGroup && g.PinnedClientID == pin {
			if s, err := c.js.Stream(ctx, spec.Stream); err == nil {
				_ = s.UnpinConsumer(ctx, spec.Durable, spec.PriorityGroup)
			}
		}
	}
}

type worker struct {
	conn   *Conn
	spec   *ConsumerSpec
	h      Handler
	out    Outbox
	settle chan<- settlement
	tr     *tracker
	pin    *pinSeen
}

// settlement is a handled message waiting for its outputs to be stored.
type settlement struct {
	raw       jetstream.Msg
	delivered uint64
	futures   []jetstream.PubAckFuture
	err       error
}

// finish acks the message once every output is stored, or naks it.
func (s settlement) finish(ctx context.Context, spec *ConsumerSpec, tr *tracker) {
	defer tr.remove(s.raw)
	err := s.err
	if err == nil {
		err = awaitAll(ctx, s.futures)
	}
	if err != nil {
		_ = s.raw.NakWithDelay(spec.nakDelay(s.delivered))
		return
	}
	_ = s.raw.Ack()
}

// process runs the handler on one message. Messages that arrive after the
// grace period are handed back untouched.
func (w *worker) process(ctx context.Context, raw jetstream.Msg, graceOver <-chan struct{}) {
	select {
	case <-graceOver:
		_ = raw.Nak()
		return
	default:
	}
	meta, err := raw.Metadata()
	var delivered uint64 = 1
	if err == nil {
		delivered = meta.NumDelivered
	}
	if w.spec.PriorityGroup != "" {
		w.pin.set(raw.Headers().Get(headerPinID))
	}
	w.tr.add(raw)
	m := &Msg{Subject: raw.Subject(), Data: raw.Data(), Header: raw.Headers(), Delivered: delivered, raw: raw, tr: w.tr, spec: w.spec}
	w.out.reset()
	err = w.h(ctx, m, &w.out)
	if m.held {
		return
	}
	if err == nil {
		futures, perr := w.conn.publishAsync(&w.out)
		w.settle <- settlement{raw: raw, delivered: delivered, futures: futures, err: perr}
		return
	}
	w.tr.remove(raw)
	settleFailed(raw, err, w.spec.nakDelay(delivered))
}

// settleFailed terminates a message whose error is final (dead-lettered
// or permanent) and naks it with delay otherwise.
func settleFailed(raw jetstream.Msg, err error, delay time.Duration) {
	if errors.Is(err, errDeadLettered) || IsPermanent(err) {
		_ = raw.TermWithReason(truncate(err.Error(), 200))
		return
	}
	_ = raw.NakWithDelay(delay)
}

// transient logs an error of the message iterator that does not end it,
// and pauses briefly so a repeating one cannot spin.
func (w *worker) transient(err error) {
	if w.spec.Log != nil {
		w.spec.Log.Warn().Err(err).Str("stage", w.spec.Stage).Str("consumer", w.spec.Durable).
			Msg("pulling messages: pulling again")
	}
	time.Sleep(100 * time.Millisecond)
}

// headerPinID carries the pin id on messages of a pinned-client consumer.
const headerPinID = "Nats-Pin-Id"

// nakDelay is the retry delay after a message's delivered-th delivery
// failed; a nil spec (a message built outside Run) retries at once.
func (s *ConsumerSpec) nakDelay(delivered uint64) time.Duration {
	if s == nil {
		return 0
	}
	d := s.NakDelay
	for i := uint64(1); i < delivered && d < s.NakMaxDelay; i++ {
		d *= 2
	}
	return min(d, s.NakMaxDelay)
}

// PublishAll publishes every message of out and waits until JetStream has
// stored each one. On error some may have been stored; their Nats-Msg-Id
// makes the retry harmless.
func (c *Conn) PublishAll(ctx context.Context, out *Outbox) error {
	futures, err := c.publishAsync(out)
	if err != nil {
		return err
	}
	return awaitAll(ctx, futures)
}

// publishAsync sends every message of out without waiting for JetStream.
func (c *Conn) publishAsync(out *Outbox) ([]jetstream.PubAckFuture, error) {
	if len(out.items) == 0 {
		return nil, nil
	}
	futures := make([]jetstream.PubAckFuture, 0, len(out.items))
	for _, it := range out.items {
		msg := &nats.Msg{Subject: it.subject, Data: it.data, Header: it.header}
		f, err := c.js.PublishMsgAsync(msg, jetstream.WithMsgID(it.id))
		if err != nil {
			return futures, fmt.Errorf("publish %s: %w", it.subject, err)
		}
		futures = append(futures, f)
	}
	return futures, nil
}

// awaitAll waits until JetStream acknowledged every future.
func awaitAll(ctx context.Context, futures []jetstream.PubAckFuture) error {
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("publish %s: %w", f.Msg().Subject, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
