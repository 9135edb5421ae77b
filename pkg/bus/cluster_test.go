package bus_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/synthdesk/synthdesk/pkg/bus"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// clusterNode starts node i of a three-node JetStream cluster whose route
// ports are given.
func clusterNode(t *testing.T, i int, routes []int) *server.Server {
	t.Helper()
	var urls []*url.URL
	for j, p := range routes {
		if j != i {
			urls = append(urls, &url.URL{Scheme: "nats", Host: fmt.Sprintf("127.0.0.1:%d", p)})
		}
	}
	s, err := server.NewServer(&server.Options{
		ServerName: fmt.Sprintf("n%d", i), Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true,
		JetStream: true, StoreDir: t.TempDir(),
		Cluster: server.ClusterOpts{Name: "synthdesk", Host: "127.0.0.1", Port: routes[i]},
		Routes:  urls,
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatalf("node %d not ready", i)
	}
	return s
}

// A service that starts against the first node of a cluster whose other
// nodes are not up yet waits for the meta leader and then creates the
// replicated streams.
func TestThreeNodeColdStartKeepsReplicas(t *testing.T) {
	routes := []int{freePort(t), freePort(t), freePort(t)}
	first := clusterNode(t, 0, routes)
	var once sync.Once
	waits := 0
	waiting := func(what string, err error, retryIn time.Duration) {
		waits++
		t.Logf("%s wait %s: %v", time.Now().Format("15:04:05.000"), what, err)
		once.Do(func() {
			clusterNode(t, 1, routes)
			clusterNode(t, 2, routes)
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := bus.Connect(ctx, bus.Config{URL: first.ClientURL(), Waiting: waiting})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	if err := c.Ensure(ctx, bus.Topology{Replicas: 3}); err != nil {
		t.Fatalf("ensure on a forming cluster: %v", err)
	}
	if waits == 0 {
		t.Error("no wait was reported although the cluster had no meta leader")
	}
	drift, err := c.Drift(ctx, bus.Topology{Replicas: 3})
	if err != nil || len(drift) != 0 {
		t.Errorf("drift after ensure: %v, %v", changeLines(drift), err)
	}

	// A client, and a service started with the single-server default,
	// leave the R3 streams and job store at three replicas.
	client := connect(t, first, bus.Config{Name: "status"})
	if err := client.Bind(ctx); err != nil {
		t.Fatalf("bind: %v", err)
	}
	laptop := connect(t, first, bus.Config{Name: "service-r1"})
	if err := laptop.Ensure(ctx, bus.Topology{Replicas: 1}); err != nil {
		t.Fatalf("ensure with one replica: %v", err)
	}
	for _, name := range []string{bus.StreamGenerate, bus.StreamAccepted, bus.StreamLedger, "KV_" + bus.JobsBucket} {
		if r := streamConfig(t, c, name).Replicas; r != 3 {
			t.Errorf("%s has %d replicas after a client and an R1 service started, want 3", name, r)
		}
	}
	drift, err = laptop.Drift(ctx, bus.Topology{Replicas: 1})
	if err != nil || len(drift) != 8 {
		t.Errorf("drift seen by the R1 service: %v, %v; want 8 replica differences", changeLines(drift), err)
	}
}
