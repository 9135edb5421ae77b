package bus_test

import (
	"context"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

// stallProxy forwards TCP connections to a server and can stop forwarding
// for a while without closing them: what a client sees while the server
// it pulls from dies or a link stalls, before anything times out.
type stallProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cond   *sync.Cond
	frozen bool
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target}
	p.cond = sync.NewCond(&p.mu)
	t.Cleanup(func() {
		p.freeze(false)
		_ = ln.Close()
	})
	go p.serve()
	return p
}

func (p *stallProxy) url() string { return "nats://" + p.ln.Addr().String() }

func (p *stallProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// pipe copies src to dst, holding every chunk while the proxy is frozen.
func (p *stallProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.frozen {
				p.cond.Wait()
			}
			p.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *stallProxy) freeze(on bool) {
	p.mu.Lock()
	p.frozen = on
	p.mu.Unlock()
	p.cond.Broadcast()
}

// TestConsumerSurvivesMissedHeartbeats stalls the link between a consumer
// and its server for longer than the pull heartbeat, as when the server
// leading the consumer is killed: once the link works again the consumer
// pulls again and handles later messages, instead of its handlers ending
// silently while the replica looks alive.
func TestConsumerSurvivesMissedHeartbeats(t *testing.T) {
	s := bustest.Server(t)
	direct := bustest.Conn(t, s)
	u, err := url.Parse(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	p := newStallProxy(t, u.Host)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := bus.Connect(ctx, bus.Config{URL: p.url(), Name: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	// A pin TTL of 3s makes pulls expire after 1s, with heartbeats every
	// 500ms; one handler, so a handler that gives up is the whole replica.
	spec := pinnedSpec(3*time.Second, time.Minute)
	spec.Concurrency = 1
	h := newHolder()
	startReplica(t, c, spec, h.handle)
	publishTo(t, direct, bus.AcceptedSubject(0), 3)
	bustest.Eventually(t, 10*time.Second, func() bool { return h.count() == 3 }, "replica gets the first messages")
	h.ackAll()

	p.freeze(true)
	time.Sleep(2500 * time.Millisecond) // the stall itself: several heartbeats missed
	p.freeze(false)

	var more bus.Outbox
	for _, id := range []string{"after1", "after2", "after3"} {
		more.Add(bus.AcceptedSubject(0), id, []byte(id))
	}
	if err := direct.PublishAll(context.Background(), &more); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, func() bool { return h.count() == 3 },
		"the replica handles messages published after the stall")
	h.ackAll()
}
