package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
)

// kvStream is the stream behind the job store bucket.
const kvStream = "KV_" + bus.JobsBucket

// tunedTopology creates every stream and the job store before any service
// runs, with longer retention than the services' defaults, as an operator
// who keeps the ledger and dead letters for a month would.
func tunedTopology(t *testing.T, e *env) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	month := 30 * 24 * time.Hour
	streams := []jetstream.StreamConfig{
		{Name: bus.StreamGenerate, Subjects: []string{bus.SubjectGenerate}, Retention: jetstream.WorkQueuePolicy},
		{Name: bus.StreamClassify, Subjects: []string{bus.SubjectClassify}, Retention: jetstream.WorkQueuePolicy},
		{Name: bus.StreamValidate, Subjects: []string{bus.SubjectValidate}, Retention: jetstream.WorkQueuePolicy},
		{Name: bus.StreamAccepted, Subjects: []string{bus.SubjectAccepted + ".>"}, Retention: jetstream.WorkQueuePolicy},
		{Name: bus.StreamRejected, Subjects: []string{bus.SubjectRejected + ".>"}, MaxAge: month},
		{Name: bus.StreamDead, Subjects: []string{bus.SubjectDead + ".>"}, MaxAge: 2 * month},
		{Name: bus.StreamLedger, Subjects: []string{bus.SubjectLedger + ".>"}, MaxAge: month},
	}
	for _, cfg := range streams {
		cfg.Storage, cfg.Replicas, cfg.Duplicates = jetstream.FileStorage, 1, 30*time.Second
		if _, err := e.js.CreateStream(ctx, cfg); err != nil {
			t.Fatalf("create stream %s: %v", cfg.Name, err)
		}
	}
	if _, err := e.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: bus.JobsBucket, History: 1, Storage: jetstream.FileStorage, Replicas: 1, TTL: 3 * month,
	}); err != nil {
		t.Fatalf("create job store: %v", err)
	}
}

// streamConfigs reads the configuration of every synthdesk stream.
func (e *env) streamConfigs(t *testing.T) map[string]jetstream.StreamConfig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := map[string]jetstream.StreamConfig{}
	for _, name := range []string{bus.StreamGenerate, bus.StreamClassify, bus.StreamValidate, bus.StreamAccepted,
		bus.StreamRejected, bus.StreamDead, bus.StreamLedger, kvStream} {
		s, err := e.js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		out[name] = info.Config
	}
	return out
}

// compareTopology reports every stream whose configuration changed between
// before and after, naming the step (who) and the fields that changed.
func compareTopology(t *testing.T, who string, before, after map[string]jetstream.StreamConfig) {
	t.Helper()
	names := make([]string, 0, len(before))
	for name := range before {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !reflect.DeepEqual(before[name], after[name]) {
			t.Errorf("%s changed stream %s: %s", who, name, fieldDiff(before[name], after[name]))
		}
	}
}

// fieldDiff lists the JSON fields of two stream configurations that differ.
func fieldDiff(a, b jetstream.StreamConfig) string {
	var ma, mb map[string]any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		if !reflect.DeepEqual(ma[k], mb[k]) {
			diffs = append(diffs, fmt.Sprintf("%s %v -> %v", k, readable(k, ma[k]), readable(k, mb[k])))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, ", ")
}

// readable shows JSON nanosecond fields as durations.
func readable(key string, v any) any {
	if f, ok := v.(float64); ok && (key == "max_age" || key == "duplicate_window") {
		return time.Duration(f)
	}
	return v
}

// restoreTopology puts every stream back to cfgs, so the next step is
// judged on its own.
func (e *env) restoreTopology(t *testing.T, cfgs map[string]jetstream.StreamConfig) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for name, cfg := range cfgs {
		if _, err := e.js.UpdateStream(ctx, cfg); err != nil {
			t.Fatalf("restore stream %s: %v", name, err)
		}
	}
}

// runStatus runs `synthdesk status <job>` with nothing but the NATS URL
// set, as a user on a workstation would.
func (e *env) runStatus(id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bins["synthdesk"], "status", "--nats", e.natsURL(), id)
	cmd.Env, cmd.Dir = childEnv(), e.dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// topologyNotDegraded creates the topology with non-default retention,
// then runs `synthdesk status` (for a job that does not exist, so only its
// connection matters), the services, a job and `synthdesk status` again,
// and checks that no step changed a stream.
func topologyNotDegraded(t *testing.T) {
	var tuned map[string]jetstream.StreamConfig
	e := newEnv(t, envOptions{beforeServices: func(e *env) {
		tunedTopology(t, e)
		tuned = e.streamConfigs(t)
		out, err := e.runStatus("jnosuchjob")
		if err == nil {
			t.Errorf("synthdesk status of a missing job succeeded:\n%s", out)
		}
		t.Logf("synthdesk status jnosuchjob (%v):\n%s", err, out)
		compareTopology(t, "synthdesk status", tuned, e.streamConfigs(t))
		e.restoreTopology(t, tuned)
	}})
	compareTopology(t, "starting the services", tuned, e.streamConfigs(t))
	start := time.Now()
	id := e.startJob(t, min(set.samples, 500))
	e.finish(t, id, start, "job on a topology with non-default retention")
	before := e.streamConfigs(t)
	if out, err := e.runStatus(id); err != nil {
		t.Errorf("synthdesk status %s: %v\n%s", id, err, out)
	}
	compareTopology(t, "synthdesk status", before, e.streamConfigs(t))
}

// clusterNodeLost runs the services on a 3-node JetStream cluster with R3
// streams (started one at a time: a cold start is clusterColdStart's
// subject), kill -9s the node leading the accepted stream at 30% accepted,
// for good, and checks afterwards that a plain `synthdesk status` keeps
// every stream at three replicas.
func clusterNodeLost(t *testing.T) {
	e := newEnv(t, envOptions{natsNodes: 3, streamReplicas: 3, staggered: true})
	start := time.Now()
	id := e.startJob(t, set.samples)
	e.waitFor(t, id, "30% accepted", acceptedFraction(0.3))
	leader := e.streamLeader(t, bus.StreamAccepted)
	for _, n := range e.nats {
		if n.name == leader {
			n.kill(t)
		}
	}
	e.finish(t, id, start, fmt.Sprintf("3-node cluster, R3 streams, leader %s of %s kill -9 at 30%% accepted, not restarted", leader, bus.StreamAccepted))
	before := e.streamConfigs(t)
	for name, cfg := range before {
		if cfg.Replicas != 3 {
			t.Errorf("stream %s has %d replicas, want 3", name, cfg.Replicas)
		}
	}
	if out, err := e.runStatus(id); err != nil {
		t.Errorf("synthdesk status %s: %v\n%s", id, err, out)
	}
	compareTopology(t, "synthdesk status", before, e.streamConfigs(t))
}

// clusterColdStart starts the four services at once on a fresh 3-node
// cluster with R3 streams: every one must become ready (waiting for the
// cluster rather than exiting) and a small job must complete.
func clusterColdStart(t *testing.T) {
	e := newEnv(t, envOptions{natsNodes: 3, streamReplicas: 3})
	start := time.Now()
	id := e.startJob(t, min(set.samples, 1000))
	e.finish(t, id, start, "services started at once on a fresh 3-node cluster, R3 streams")
}

// streamLeader is the server name leading a stream's RAFT group.
func (e *env) streamLeader(t *testing.T, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := e.js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil || info.Cluster == nil || info.Cluster.Leader == "" {
		t.Fatalf("stream %s has no leader: %v", name, err)
	}
	return info.Cluster.Leader
}
