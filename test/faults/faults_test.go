package faults

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
)

const scenarioNoFault = "no-fault"

// restartAfter is how long a killed process stays down before its restart.
const restartAfter = 2 * time.Second

// scenario is one fault and the checks after it; short scenarios are in
// the set `make test` runs, every scenario is in the full set.
type scenario struct {
	name  string
	short bool
	run   func(t *testing.T)
}

var scenarios = []scenario{
	{scenarioNoFault, true, noFault},
	{"kill-generator", false, killStage("generator", acceptedFraction(0.3), "30% accepted")},
	{"kill-classifier", true, killStage("classifier", acceptedFraction(0.3), "30% accepted")},
	{"kill-validator", false, killStage("validator", acceptedFraction(0.3), "30% accepted")},
	{"kill-sink", false, killStage("sink", writtenFraction(0.3), "30% of parts written")},
	{"kill-sink-before-finalize", false, killSinkBeforeFinalize},
	{"nats-restart", false, natsRestart},
	{"s3-outage", false, s3Outage},
	{"replicas-one-killed", false, replicasOneKilled},
	{"cluster-cold-start", false, clusterColdStart},
	{"cluster-node-lost", false, clusterNodeLost},
	{"topology-not-degraded", true, topologyNotDegraded},
	{"hostile-requests", true, hostileRequests},
}

// TestFaults runs the selected set in order; the no-fault job comes first
// and is the time every other job is compared with in the summary.
func TestFaults(t *testing.T) {
	for _, sc := range scenarios {
		if !sc.short && !set.full {
			continue
		}
		if !t.Run(sc.name, sc.run) && !recorded(t.Name()+"/"+sc.name) {
			keep(t, outcome{Scenario: t.Name() + "/" + sc.name, Status: "-", Failed: true, Note: "failed before its job ended: see the test log"})
		}
	}
}

func noFault(t *testing.T) {
	e := newEnv(t, envOptions{})
	start := time.Now()
	id := e.startJob(t, set.samples)
	e.finish(t, id, start, "")
}

// killStage kill -9s the stage's only replica at the fault point and
// starts it again after restartAfter.
func killStage(stage string, at func(record.Job, progress) bool, what string) func(t *testing.T) {
	return func(t *testing.T) {
		e := newEnv(t, envOptions{})
		start := time.Now()
		id := e.startJob(t, set.samples)
		e.waitFor(t, id, what, at)
		p := e.services[stage][0]
		p.kill(t)
		time.Sleep(restartAfter) // the length of the outage, not a wait for a condition
		p.start(t)
		e.finish(t, id, start, fmt.Sprintf("%s kill -9 at %s, restarted after %v", stage, what, restartAfter))
	}
}

// killSinkBeforeFinalize kill -9s the sink as soon as the job's last part
// is recorded, before it writes the manifest and _SUCCESS.
func killSinkBeforeFinalize(t *testing.T) {
	e := newEnv(t, envOptions{})
	start := time.Now()
	id := e.startJob(t, set.samples)
	e.waitLastPart(t, id)
	sink := e.services["sink"][0]
	sink.kill(t)
	job, err := e.job(id)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != record.StatusRunning {
		t.Fatalf("job %s was already %s when the sink was killed: the fault came too late to be exercised", id, job.Status)
	}
	time.Sleep(restartAfter) // the length of the outage
	sink.start(t)
	e.finish(t, id, start, "sink kill -9 after the last part, before finalize")
}

// waitLastPart watches the job store until every part of the job is
// recorded; a watch reacts faster than polling.
func (e *env) waitLastPart(t *testing.T, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), set.jobTimeout)
	defer cancel()
	kv, err := e.kv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := kv.Watch(ctx, bus.Key(id, "part")+".*", jetstream.MetaOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	job, err := e.job(id)
	if err != nil {
		t.Fatal(err)
	}
	want := job.Parts(int64(job.Request.Samples))
	seen := map[string]bool{}
	for int64(len(seen)) < want {
		select {
		case entry := <-w.Updates():
			if entry != nil {
				seen[entry.Key()] = true
			}
		case <-ctx.Done():
			t.Fatalf("job %s: %d of %d parts recorded after %v", id, len(seen), want, set.jobTimeout)
		}
	}
}

// natsRestart kill -9s the NATS server at 30% accepted and starts it again
// on the same port and store.
func natsRestart(t *testing.T) {
	e := newEnv(t, envOptions{})
	start := time.Now()
	id := e.startJob(t, set.samples)
	e.waitFor(t, id, "30% accepted", acceptedFraction(0.3))
	e.nats[0].kill(t)
	time.Sleep(restartAfter) // the length of the outage
	e.nats[0].start(t)
	e.finish(t, id, start, fmt.Sprintf("nats-server kill -9 at 30%% accepted, restarted on its store after %v", restartAfter))
}

// s3Outage stops versitygw at 30% of the parts written, for set.outage,
// sampling the sink's resident memory meanwhile, then starts it again on
// the same folder.
func s3Outage(t *testing.T) {
	e := newEnv(t, envOptions{})
	start := time.Now()
	id := e.startJob(t, set.samples)
	e.waitFor(t, id, "30% of parts written", writtenFraction(0.3))
	sink := e.services["sink"][0]
	e.s3.Stop()
	lo, hi := int64(1<<62), int64(0)
	for end := time.Now().Add(set.outage); time.Now().Before(end); time.Sleep(500 * time.Millisecond) { // sampling period
		kib, err := sink.rssKiB()
		if err != nil {
			t.Fatalf("sink RSS: %v (sink alive: %t)", err, sink.alive())
		}
		lo, hi = min(lo, kib), max(hi, kib)
	}
	e.s3.Start()
	e.finish(t, id, start, fmt.Sprintf("S3 down %v at 30%% written; sink RSS %d-%d MiB during the outage", set.outage, lo/1024, hi/1024))
}

// replicasOneKilled runs two replicas of every stage and kill -9s one of
// each at 30% accepted, for good.
func replicasOneKilled(t *testing.T) {
	e := newEnv(t, envOptions{replicas: 2})
	start := time.Now()
	id := e.startJob(t, set.samples)
	e.waitFor(t, id, "30% accepted", acceptedFraction(0.3))
	for _, stage := range stages {
		e.services[stage][0].kill(t)
	}
	e.finish(t, id, start, "two replicas per stage, one of each kill -9 at 30% accepted, not restarted")
}
