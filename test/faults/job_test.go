package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// The test reads the job store with plain JetStream calls: binding to the
// bucket must not create or change anything, so it does not go through a
// topology "ensure".

// submit sends a request to the intake over NATS, as `synthdesk submit`
// does, retrying while no generator answers; it returns the intake's reply.
func (e *env) submit(t testing.TB, req []byte) record.IntakeReply {
	t.Helper()
	var reply record.IntakeReply
	var msg *nats.Msg
	var err error
	ok := eventually(60*time.Second, 200*time.Millisecond, func() bool {
		msg, err = e.nc.Request(bus.SubjectRequests, req, 30*time.Second)
		return !errors.Is(err, nats.ErrNoResponders)
	})
	if !ok || err != nil {
		t.Fatalf("no intake answered on %s: %v", bus.SubjectRequests, err)
	}
	if err := json.Unmarshal(msg.Data, &reply); err != nil {
		t.Fatalf("intake reply %q: %v", msg.Data, err)
	}
	return reply
}

// startJob submits a valid request for n samples and returns the job id.
func (e *env) startJob(t testing.TB, n int) string {
	t.Helper()
	seed := int64(7)
	b, _ := json.Marshal(record.Request{Samples: n, Seed: &seed, Labels: map[string]string{"suite": "faults"}})
	reply := e.submit(t, b)
	if reply.Error != "" || reply.JobID == "" {
		t.Fatalf("job refused: %s", reply.Error)
	}
	return reply.JobID
}

// kv binds to the job store bucket.
func (e *env) kv(ctx context.Context) (jetstream.KeyValue, error) {
	return e.js.KeyValue(ctx, bus.JobsBucket)
}

// job reads a job's state.
func (e *env) job(id string) (record.Job, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var job record.Job
	kv, err := e.kv(ctx)
	if err != nil {
		return job, err
	}
	entry, err := kv.Get(ctx, bus.Key(id, "state"))
	if err != nil {
		return job, err
	}
	return job, json.Unmarshal(entry.Value(), &job)
}

// progress is how far a job got: records accepted by the validators and
// parts written by the sinks, from the job store.
type progress struct {
	accepted int64
	parts    int64
}

// progressOf sums the validators' accepted counters and counts part keys.
func (e *env) progressOf(id string) (progress, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var p progress
	kv, err := e.kv(ctx)
	if err != nil {
		return p, err
	}
	keys, err := kv.ListKeys(ctx, jetstream.MetaOnly())
	if err != nil {
		return p, err
	}
	for key := range keys.Keys() {
		switch {
		case strings.HasPrefix(key, bus.Key(id, "part")+"."):
			p.parts++
		case strings.HasPrefix(key, bus.Key(id, "counts", "validator")+"."):
			entry, err := kv.Get(ctx, key)
			if err != nil {
				continue
			}
			var m map[string]int64
			if json.Unmarshal(entry.Value(), &m) == nil {
				p.accepted += m["accepted"]
			}
		}
	}
	return p, nil
}

// waitFor polls the job until reached says the fault point has come. It
// fails the test if the job ends first: the fault would not be exercised.
func (e *env) waitFor(t *testing.T, id, what string, reached func(record.Job, progress) bool) {
	t.Helper()
	var job record.Job
	var p progress
	var err error
	ok := eventually(set.jobTimeout, 100*time.Millisecond, func() bool {
		if job, err = e.job(id); err != nil {
			return false
		}
		if p, err = e.progressOf(id); err != nil {
			return false
		}
		return reached(job, p) || job.Status != record.StatusRunning
	})
	if !ok || !reached(job, p) {
		keep(t, outcome{Scenario: t.Name(), Samples: job.Request.Samples, Status: job.Status, Note: "fault point " + what + " not reached", Failed: true})
	}
	switch {
	case !ok:
		t.Fatalf("job %s never reached %s (accepted %d, parts %d, last error %v)", id, what, p.accepted, p.parts, err)
	case !reached(job, p):
		t.Fatalf("job %s ended (%s) before %s: the fault would not be exercised", id, job.Status, what)
	}
	t.Logf("fault point %s: accepted %d/%d, parts %d", what, p.accepted, job.Request.Samples, p.parts)
}

// acceptedFraction is a fault point: the validators accepted at least f
// of the job's samples.
func acceptedFraction(f float64) func(record.Job, progress) bool {
	return func(j record.Job, p progress) bool {
		return float64(p.accepted) >= f*float64(j.Request.Samples)
	}
}

// writtenFraction is a fault point: the sinks wrote at least f of the
// job's parts (and at least one).
func writtenFraction(f float64) func(record.Job, progress) bool {
	return func(j record.Job, p progress) bool {
		total := j.Parts(int64(j.Request.Samples))
		return p.parts >= max(1, int64(f*float64(total)))
	}
}

// waitEnd polls the job until it leaves running, within the set's job
// timeout, and returns its last state.
func (e *env) waitEnd(id string) (record.Job, error) {
	var job record.Job
	var err error
	if !eventually(set.jobTimeout, 200*time.Millisecond, func() bool {
		job, err = e.job(id)
		return err == nil && job.Status != record.StatusRunning
	}) {
		p, _ := e.progressOf(id)
		return job, fmt.Errorf("job %s still %q after %v (accepted %d, parts %d, last error %v)", id, job.Status, set.jobTimeout, p.accepted, p.parts, err)
	}
	return job, nil
}
