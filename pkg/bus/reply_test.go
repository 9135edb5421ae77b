package bus_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
)

// serve runs c.Serve until the test ends and checks that it returns nil.
func serve(t *testing.T, c *bus.Conn, subject string, fn func(context.Context, []byte) []byte) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Serve(ctx, subject, "q", fn) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
}

// published is how many messages the connection named name has sent.
func published(t *testing.T, s *server.Server, name string) int64 {
	t.Helper()
	cz, err := s.Connz(&server.ConnzOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ci := range cz.Conns {
		if ci.Name == name {
			return ci.InMsgs
		}
	}
	t.Fatalf("no connection named %q", name)
	return 0
}

func upper(_ context.Context, data []byte) []byte { return bytes.ToUpper(data) }

func TestServeAnswersRequests(t *testing.T) {
	s := bustest.Server(t)
	c := bustest.Conn(t, s)
	serve(t, c, "test.echo", upper)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, body := range []string{"a", "bc"} {
		got, err := c.Request(ctx, "test.echo", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if want := string(bytes.ToUpper([]byte(body))); string(got) != want {
			t.Errorf("reply = %q, want %q", got, want)
		}
	}
}

func TestServeSendsNoReplyForNil(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	serve(t, c, "test.silent", func(context.Context, []byte) []byte { return nil })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Request(ctx, "test.silent", []byte("x"))
	if err == nil || errors.Is(err, bus.ErrNoResponders) {
		t.Fatalf("request = %v, want a timeout (a served subject that does not answer)", err)
	}
}

func TestRequestWaitsForAServer(t *testing.T) {
	s := bustest.Server(t)
	c := bustest.Conn(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	before := published(t, s, t.Name())
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := c.Request(ctx, "test.late", []byte("late"))
		done <- result{data, err}
	}()
	bustest.Eventually(t, 10*time.Second, func() bool { return published(t, s, t.Name())-before >= 2 },
		"request asked again while nobody served it")
	serve(t, c, "test.late", upper)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if string(r.data) != "LATE" {
		t.Errorf("reply = %q, want LATE", r.data)
	}
}

func TestRequestWithoutServerEndsWithNoResponders(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Request(ctx, "test.nobody", []byte("x"))
	if !errors.Is(err, bus.ErrNoResponders) {
		t.Fatalf("request = %v, want ErrNoResponders", err)
	}
}

func TestServeStopsWithItsContext(t *testing.T) {
	c := bustest.Conn(t, bustest.Server(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Serve(ctx, "test.stop", "q", upper) }()
	rctx, rcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer rcancel()
	if _, err := c.Request(rctx, "test.stop", []byte("x")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after its context ended: %v", err)
	}
	short, scancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer scancel()
	if _, err := c.Request(short, "test.stop", []byte("x")); !errors.Is(err, bus.ErrNoResponders) {
		t.Errorf("request after serve stopped = %v, want ErrNoResponders", err)
	}
}
