package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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
	// before JetStream redelivers it (default 30s).
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
	// over PinnedTTL (default 1m) after the pinned one stops pulling.
	PriorityGroup string
	PinnedTTL     time.Duration
	// NakDelay is the first retry delay; it doubles per delivery up to
	// NakMaxDelay (defaults 250ms and 30s).
	NakDelay, NakMaxDelay time.Duration
	// Grace is how long in-flight handlers may run after the context is
	// cancelled before their messages are left to redelivery (default 20s).
	Grace time.Duration
}

func (s *ConsumerSpec) defaults() {
	if s.AckWait == 0 {
		s.AckWait = 30 * time.Second
	}
	if s.MaxDeliver == 0 {
		s.MaxDeliver = 10
	}
	if s.MaxAckPending == 0 {
		s.MaxAckPending = 1024
	}
	if s.Concurrency == 0 {
		s.Concurrency = 8
	}
	if s.PinnedTTL == 0 {
		// Long enough that a replica holding its full MaxAckPending (and so
		// pulling nothing new for a while) keeps its pin.
		s.PinnedTTL = time.Minute
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
		cons, err = c.JS.CreateOrUpdateConsumer(ctx, spec.Stream, spec.config())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", spec.Durable, spec.Stream, err)
	}
	return cons, nil
}

// Run consumes spec with h until ctx is cancelled, then stops pulling,
// lets in-flight and already-buffered messages finish within spec.Grace,
// and returns. Messages it could not finish are redelivered by JetStream.
func (c *Conn) Run(ctx context.Context, spec ConsumerSpec, h Handler) error {
	spec.defaults()
	cons, err := c.Consumer(ctx, spec)
	if err != nil {
		return err
	}
	var mopts []jetstream.PullMessagesOpt
	mopts = append(mopts, jetstream.PullMaxMessages(max(8*spec.Concurrency, 256)))
	if spec.PriorityGroup != "" {
		mopts = append(mopts, jetstream.PullPriorityGroup(spec.PriorityGroup))
	}
	it, err := cons.Messages(mopts...)
	if err != nil {
		return fmt.Errorf("consume %s: %w", spec.Durable, err)
	}
	// Handlers keep running through the grace period after ctx ends.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	go func() {
		<-ctx.Done()
		it.Drain()
		t := time.NewTimer(spec.Grace)
		defer t.Stop()
		select {
		case <-t.C:
			hcancel()
		case <-hctx.Done():
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
			s.finish(hctx, &spec)
		}
	}()
	var wg sync.WaitGroup
	for range spec.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{conn: c, spec: &spec, h: h, settle: settle}
			for {
				raw, err := it.Next()
				if err != nil {
					return
				}
				w.process(hctx, raw)
			}
		}()
	}
	wg.Wait()
	close(settle)
	<-settled
	hcancel()
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return ctx.Err()
}

type worker struct {
	conn   *Conn
	spec   *ConsumerSpec
	h      Handler
	out    Outbox
	settle chan<- settlement
}

// settlement is a handled message waiting for its outputs to be stored.
type settlement struct {
	raw       jetstream.Msg
	delivered uint64
	futures   []jetstream.PubAckFuture
	err       error
}

// finish acks the message once every output is stored, or naks it.
func (s settlement) finish(ctx context.Context, spec *ConsumerSpec) {
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

func (w *worker) process(ctx context.Context, raw jetstream.Msg) {
	meta, err := raw.Metadata()
	var delivered uint64 = 1
	if err == nil {
		delivered = meta.NumDelivered
	}
	m := &Msg{Subject: raw.Subject(), Data: raw.Data(), Header: raw.Headers(), Delivered: delivered, raw: raw}
	w.out.reset()
	err = w.h(ctx, m, &w.out)
	if m.held {
		return
	}
	switch {
	case err == nil:
		futures, perr := w.conn.publishAsync(&w.out)
		w.settle <- settlement{raw: raw, delivered: delivered, futures: futures, err: perr}
	case errors.Is(err, errDeadLettered) || IsPermanent(err):
		_ = raw.TermWithReason(truncate(err.Error(), 200))
	default:
		_ = raw.NakWithDelay(w.spec.nakDelay(delivered))
	}
}

func (s *ConsumerSpec) nakDelay(delivered uint64) time.Duration {
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
		f, err := c.JS.PublishMsgAsync(msg, jetstream.WithMsgID(it.id))
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
