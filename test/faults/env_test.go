package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
)

// stages are the four services, in pipeline order.
var stages = []string{"generator", "classifier", "validator", "sink"}

// envOptions shape a scenario's environment.
type envOptions struct {
	// natsNodes is 1 (a single server) or 3 (a JetStream cluster).
	natsNodes int
	// replicas of each stage (default 1).
	replicas int
	// streamReplicas is SYNTHDESK_STREAM_REPLICAS of the services.
	streamReplicas int
	// beforeServices runs once NATS is up, before any service starts.
	beforeServices func(e *env)
	// staggered starts the services one at a time, each once the one
	// before is ready, instead of all at once.
	staggered bool
}

// env is a running system: NATS, versitygw and the services, each a child
// process, plus the test's own NATS connection. Everything stops in
// t.Cleanup; the logs of every process are printed when the test failed.
type env struct {
	t    testing.TB
	dir  string
	nats []*proc
	s3   *storetest.Server
	// services by stage, one proc per replica.
	services map[string][]*proc
	nc       *nats.Conn
	js       jetstream.JetStream
}

// output is where the sink writes: a prefix in the test's bucket.
func (e *env) output() string { return "s3://" + e.s3.Bucket + "/datasets" }

// natsURL lists every NATS server, comma-separated.
func (e *env) natsURL() string {
	var urls []string
	for _, n := range e.nats {
		urls = append(urls, "nats://"+n.addr)
	}
	return strings.Join(urls, ",")
}

// newEnv starts NATS, versitygw and the services and waits until every
// service reports ready.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	o.natsNodes, o.replicas, o.streamReplicas = max(o.natsNodes, 1), max(o.replicas, 1), max(o.streamReplicas, 1)
	e := &env{t: t, dir: t.TempDir(), services: map[string][]*proc{}}
	t.Cleanup(e.close)
	e.s3 = storetest.S3(t)
	e.startNATS(t, o.natsNodes)
	if o.beforeServices != nil {
		o.beforeServices(e)
	}
	for _, stage := range stages {
		for r := range o.replicas {
			p := e.service(t, stage, fmt.Sprintf("%s-%d", stage, r), o.streamReplicas)
			p.start(t)
			e.services[stage] = append(e.services[stage], p)
			if o.staggered {
				e.waitReady(t)
			}
		}
	}
	e.waitReady(t)
	return e
}

// startNATS starts n JetStream servers (a cluster when n > 1) and connects
// the test to them.
func (e *env) startNATS(t *testing.T, n int) {
	t.Helper()
	clients, routes := make([]string, n), make([]string, n)
	for i := range n {
		clients[i], routes[i] = freeAddr(t), freeAddr(t)
	}
	for i := range n {
		name := fmt.Sprintf("nats-%d", i)
		args := []string{"-js", "-a", "127.0.0.1", "-p", port(clients[i]), "-n", name,
			"-sd", filepath.Join(e.dir, name)}
		if n > 1 {
			var peers []string
			for j, r := range routes {
				if j != i {
					peers = append(peers, "nats://"+r)
				}
			}
			args = append(args, "--cluster_name", "faults", "--cluster", "nats://"+routes[i], "--routes", strings.Join(peers, ","))
		}
		p := &proc{name: name, bin: bins["nats-server"], args: args, env: childEnv(), dir: e.dir,
			log: filepath.Join(e.dir, name+".log"), addr: clients[i]}
		p.start(t)
		e.nats = append(e.nats, p)
	}
	nc, err := nats.Connect(e.natsURL(), nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond), nats.Name("synthdesk-faults"))
	if !eventually(30*time.Second, 100*time.Millisecond, func() bool {
		if nc == nil {
			nc, err = nats.Connect(e.natsURL(), nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond), nats.Name("synthdesk-faults"))
		}
		return nc != nil
	}) {
		t.Fatalf("nats-server did not accept connections: %v", err)
	}
	e.nc = nc
	e.js, err = jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh cluster elects its JetStream meta leader after the servers
	// meet; services started before that would race it.
	if !eventually(60*time.Second, 200*time.Millisecond, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err = e.js.AccountInfo(ctx)
		return err == nil
	}) {
		t.Fatalf("JetStream not available on %s: %v", e.natsURL(), err)
	}
}

// service builds the process of one replica of stage.
func (e *env) service(t testing.TB, stage, replica string, streamReplicas int) *proc {
	httpAddr := freeAddr(t)
	env := childEnv(
		"SYNTHDESK_NATS_URL="+e.natsURL(),
		"SYNTHDESK_HTTP_ADDR="+httpAddr,
		"SYNTHDESK_REPLICA="+replica,
		"SYNTHDESK_STREAM_REPLICAS="+fmt.Sprint(streamReplicas),
		"SYNTHDESK_BATCH_ROWS="+fmt.Sprint(set.batchRows),
		"SYNTHDESK_OUTPUT="+e.output(),
		"SYNTHDESK_CONCURRENCY=4",
		"SYNTHDESK_S3_ENDPOINT=http://"+e.s3.Endpoint,
		"AWS_ACCESS_KEY_ID="+e.s3.AccessKey,
		"AWS_SECRET_ACCESS_KEY="+e.s3.SecretKey,
	)
	cwd := filepath.Join(e.dir, "cwd", replica)
	if err := os.MkdirAll(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	return &proc{name: replica, bin: bins[stage], env: env, dir: cwd,
		log: filepath.Join(e.dir, replica+".log"), addr: httpAddr}
}

// waitReady waits until every running service answers /readyz.
func (e *env) waitReady(t testing.TB) {
	t.Helper()
	for _, stage := range stages {
		for _, p := range e.services[stage] {
			if !eventually(60*time.Second, 100*time.Millisecond, func() bool { return !p.alive() || p.healthy("/readyz") }) || !p.alive() {
				t.Fatalf("%s is not ready (alive=%t); its log:\n%s", p.name, p.alive(), p.tail(40))
			}
		}
	}
}

// all is every service process.
func (e *env) all() []*proc {
	var out []*proc
	for _, stage := range stages {
		out = append(out, e.services[stage]...)
	}
	return out
}

// store opens the output for reading, as a user with the bucket's keys.
func (e *env) store(t testing.TB) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), e.output(), store.S3Config{
		Endpoint: e.s3.Endpoint, Region: "us-east-1", AccessKey: e.s3.AccessKey, SecretKey: e.s3.SecretKey, PathStyle: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// close stops every process; on failure it prints the end of each log.
func (e *env) close() {
	if e.nc != nil {
		e.nc.Close()
	}
	for _, p := range e.all() {
		p.stop(5 * time.Second)
	}
	for _, p := range e.nats {
		p.stop(5 * time.Second)
	}
	if e.t.Failed() {
		for _, p := range append(e.all(), e.nats...) {
			e.t.Logf("---- log of %s (last 20 lines):\n%s", p.name, p.tail(20))
		}
	}
}

func port(addr string) string {
	_, p, _ := strings.Cut(addr, ":")
	return p
}
