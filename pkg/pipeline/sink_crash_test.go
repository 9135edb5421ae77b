package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	pq "github.com/parquet-go/parquet-go"
	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// The tests in this file run the generator, classifier and validator as
// runAll does, but each sink apart on a connection of its own, so a test can
// kill a sink the way a crashed process dies (connection gone, nothing
// acked) and start another in its place.

// upstream is the three stages before the sink, on one connection; its
// cluster's cfg is the configuration sinks start from.
type upstream struct {
	*cluster
	srv *server.Server
}

func startUpstream(t *testing.T, mutate func(*testConfig)) *upstream {
	t.Helper()
	srv := bustest.Server(t)
	conn := bustest.Conn(t, srv)
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	llms, err := generator.NewLLMSet(generator.LLMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig{
		Conn: conn, Log: zerolog.Nop(), Taxonomy: tax, LLM: llms, Output: t.TempDir(),
		BatchRows: 200, Partitions: 4, SinkAckWait: 2 * time.Second, SinkPinnedTTL: 10 * time.Second, MaxSamples: 1_000_000,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stages := []func(context.Context, testConfig) error{runGenerator, runClassifier, runValidator}
	errs := make([]error, len(stages))
	var wg sync.WaitGroup
	for i, run := range stages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = run(ctx, cfg)
		}()
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Errorf("upstream stages: %v", err)
		}
	})
	return &upstream{cluster: &cluster{conn: conn, js: bustest.JetStream(t, srv), out: cfg.Output, cfg: cfg}, srv: srv}
}

// sinkProc is one sink replica with its own connection.
type sinkProc struct {
	conn   *bus.Conn
	cancel context.CancelFunc
	done   chan error
}

// startSink runs a sink on a new connection with the upstream's
// configuration changed by mutate. It is killed when the test ends.
func (u *upstream) startSink(t *testing.T, replica string, mutate func(*testConfig)) *sinkProc {
	t.Helper()
	cfg := u.cfg
	cfg.Conn = bustest.Conn(t, u.srv)
	cfg.Replica = replica
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &sinkProc{conn: cfg.Conn, cancel: cancel, done: make(chan error, 1)}
	go func() { p.done <- runSink(ctx, cfg) }()
	t.Cleanup(func() {
		p.kill()
		if err := p.wait(t, time.Minute); err != nil {
			t.Errorf("sink %s: %v", replica, err)
		}
	})
	return p
}

// kill stops the sink as a killed process stops: the connection goes
// first, without draining, so nothing it holds can be acked.
func (p *sinkProc) kill() {
	p.conn.Abort()
	p.cancel()
}

// wait returns what the sink returned; it fails the test if the sink is
// still running after within. Safe to call more than once.
func (p *sinkProc) wait(t *testing.T, within time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(within):
		t.Fatalf("sink still running %s after it was stopped", within)
		return nil
	}
}

// waitSinkReady waits until a sink has created its partition consumers,
// which it does only after its output passed the start-up check.
func waitSinkReady(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	bustest.Eventually(t, time.Minute, func() bool {
		_, err := js.Consumer(context.Background(), bus.StreamAccepted, "sink-p0")
		return err == nil
	}, "sink consumers created")
}

// sinkPending is the number of accepted records delivered to sinks and
// not yet acked, over every partition.
func sinkPending(t *testing.T, js jetstream.JetStream, partitions int) int {
	t.Helper()
	n := 0
	for p := range partitions {
		cons, err := js.Consumer(context.Background(), bus.StreamAccepted, fmt.Sprintf("sink-p%d", p))
		if err != nil {
			continue
		}
		info, err := cons.Info(context.Background())
		if err != nil {
			t.Fatalf("consumer info: %v", err)
		}
		n += info.NumAckPending
	}
	return n
}

// partRecords is the number of parts the sink has recorded for a job.
func partRecords(t *testing.T, conn *bus.Conn, jobID string) int {
	t.Helper()
	jobs, err := conn.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	parts, err := jobs.List(context.Background(), bus.Key(jobID, "part", "*"))
	if err != nil {
		t.Fatalf("list parts: %v", err)
	}
	return len(parts)
}

// output is a finished job's files as read back with an independent
// Parquet reader: the raw bytes and rows of every part, the manifest and
// whether _SUCCESS exists.
type output struct {
	raw      map[string][]byte
	parts    map[string][]row
	manifest dataset.Manifest
	success  bool
}

// readLocalOutput reads a job's files from a local output folder.
func readLocalOutput(t *testing.T, root, jobID string) output {
	t.Helper()
	dir := filepath.Join(root, dataset.JobDir(jobID))
	o := output{raw: map[string][]byte{}, parts: map[string][]row{}}
	files, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		o.add(t, filepath.Base(f), b)
	}
	b, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	o.setManifest(t, b)
	_, err = os.Stat(filepath.Join(dir, dataset.SuccessName))
	o.success = err == nil
	return o
}

func (o *output) add(t *testing.T, name string, b []byte) {
	t.Helper()
	rows, err := pq.Read[row](bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	o.raw[name], o.parts[name] = b, rows
}

func (o *output) setManifest(t *testing.T, b []byte) {
	t.Helper()
	if err := json.Unmarshal(b, &o.manifest); err != nil {
		t.Fatalf("manifest: %v", err)
	}
}

// checkOutput checks that a job's files hold every accepted record exactly
// once: contiguous parts of BatchRows rows, distinct ids, exact per-intent
// quotas, a manifest that describes the files as they are, and _SUCCESS.
func checkOutput(t *testing.T, job record.Job, o output) {
	t.Helper()
	samples := int64(job.Request.Samples)
	if job.Status != record.StatusDone || job.Accepted != samples {
		t.Fatalf("job status %s accepted %d, want done with %d", job.Status, job.Accepted, samples)
	}
	if !o.success {
		t.Errorf("no %s", dataset.SuccessName)
	}
	names := make([]string, 0, len(o.parts))
	for name := range o.parts {
		names = append(names, name)
	}
	sort.Strings(names)
	want := make([]string, job.Parts(samples))
	for i := range want {
		want[i] = dataset.PartName(int64(i))
	}
	contiguous := slices.Equal(names, want)
	if !contiguous {
		t.Errorf("parts %v, want %v", names, want)
	}
	ids := map[string]string{}
	perIntent := map[string]int{}
	dups := 0
	for i, name := range names {
		rows := o.parts[name]
		if wantRows := min(int64(job.BatchRows), samples-int64(i*job.BatchRows)); contiguous && int64(len(rows)) != wantRows {
			t.Errorf("%s: %d rows, want %d", name, len(rows), wantRows)
		}
		for _, r := range rows {
			if prev, dup := ids[r.ConversationID]; dup {
				if dups++; dups == 1 {
					t.Errorf("conversation %s in %s and %s", r.ConversationID, prev, name)
				}
			}
			ids[r.ConversationID] = name
			perIntent[r.Intent]++
		}
	}
	if dups > 0 {
		t.Errorf("%d rows repeat a conversation already written", dups)
	}
	if int64(len(ids)) != samples {
		t.Errorf("%d distinct conversations, want %d", len(ids), samples)
	}
	for _, q := range job.Quotas {
		if perIntent[q.Intent] != q.Count {
			t.Errorf("intent %s: %d rows, want %d", q.Intent, perIntent[q.Intent], q.Count)
		}
	}
	checkManifest(t, job, o, names)
}

func checkManifest(t *testing.T, job record.Job, o output, names []string) {
	t.Helper()
	m := o.manifest
	if m.JobID != job.ID || m.Status != record.StatusDone || m.Rows != int64(job.Request.Samples) {
		t.Errorf("manifest job %s status %s rows %d, want %s done %d", m.JobID, m.Status, m.Rows, job.ID, job.Request.Samples)
	}
	if len(m.Files) != len(names) {
		t.Fatalf("manifest lists %d files, %d parts written", len(m.Files), len(names))
	}
	for i, f := range m.Files {
		b := o.raw[names[i]]
		sum := sha256.Sum256(b)
		if f.Name != names[i] || f.Rows != int64(len(o.parts[names[i]])) || f.Bytes != int64(len(b)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("manifest file %+v does not describe %s (%d rows, %d bytes)", f, names[i], len(o.parts[names[i]]), len(b))
		}
	}
	if !slices.Equal(m.Delivered, job.Quotas) {
		t.Errorf("manifest delivered %v, want %v", m.Delivered, job.Quotas)
	}
}

// TestSinkCrashAfterUploadBeforeAck kills the sink right after it wrote its
// first part and before it recorded or acked it. JetStream redelivers the
// records to a fresh sink, which writes the part again under the same name.
func TestSinkCrashAfterUploadBeforeAck(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, nil)
	var crashed atomic.Bool
	first := u.startSink(t, "crashing", func(c *testConfig) {
		c.Fault = func(point string) error {
			if point == "uploaded" && crashed.CompareAndSwap(false, true) {
				return errors.New("killed after upload")
			}
			return nil
		}
	})
	reply := u.submit(t, record.Request{Samples: 1000, Seed: seed(11)})
	bustest.Eventually(t, time.Minute, crashed.Load, "fault fired")
	if err := first.wait(t, time.Minute); err != nil {
		t.Fatalf("crashed sink returned %v", err)
	}
	uploaded, _ := filepath.Glob(filepath.Join(u.out, dataset.JobDir(reply.JobID), "part-*.parquet"))
	jobs, _ := u.conn.Jobs()
	job, err := jobs.Get(context.Background(), reply.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if len(uploaded) == 0 || job.Status != record.StatusRunning {
		t.Fatalf("after the crash: %d parts uploaded, job %s; want a part uploaded and the job running", len(uploaded), job.Status)
	}
	t.Logf("crashed with %d part(s) uploaded and %d recorded", len(uploaded), partRecords(t, u.conn, reply.JobID))

	u.startSink(t, "fresh", nil)
	job = u.wait(t, reply.JobID, 2*time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
}

// TestSinkCrashMidBatch kills a sink while it holds records of parts it has
// not written. Its output is made unwritable once it has started, so it
// cannot complete a part before the kill whatever the timing: every record
// it held must reach the next sink.
func TestSinkCrashMidBatch(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, nil)
	blocked := filepath.Join(t.TempDir(), "out")
	first := u.startSink(t, "crashing", func(c *testConfig) { c.Output = blocked })
	waitSinkReady(t, u.js)
	// A file where the folder was: the sink's writes fail and it holds its
	// batches, retrying.
	if err := os.RemoveAll(blocked); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	reply := u.submit(t, record.Request{Samples: 1000, Seed: seed(12)})
	var held int
	bustest.Eventually(t, time.Minute, func() bool {
		held = sinkPending(t, u.js, u.cfg.Partitions)
		return held > 0
	}, "first sink holds records")
	first.kill()
	if err := first.wait(t, time.Minute); err != nil {
		t.Fatalf("killed sink returned %v", err)
	}
	if n := partRecords(t, u.conn, reply.JobID); n != 0 {
		t.Fatalf("%d parts recorded by a sink that could not write", n)
	}
	t.Logf("killed holding %d records", held)

	u.startSink(t, "fresh", nil)
	job := u.wait(t, reply.JobID, 2*time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
}

// TestSinkCrashAfterAckOfSecondPart kills the sink after it acked its
// second part, before it counted it or finished the job, while later
// batches are still open.
func TestSinkCrashAfterAckOfSecondPart(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, nil)
	var acked atomic.Int32
	first := u.startSink(t, "crashing", func(c *testConfig) {
		c.Fault = func(point string) error {
			if point == "acked" && acked.Add(1) == 2 {
				return errors.New("killed after the second ack")
			}
			return nil
		}
	})
	reply := u.submit(t, record.Request{Samples: 1000, Seed: seed(13)})
	if err := first.wait(t, 2*time.Minute); err != nil {
		t.Fatalf("crashed sink returned %v", err)
	}
	if n := partRecords(t, u.conn, reply.JobID); n < 2 || n >= 5 {
		t.Fatalf("%d parts recorded at the crash, want at least 2 and fewer than 5", n)
	}
	u.startSink(t, "fresh", nil)
	job := u.wait(t, reply.JobID, 2*time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
}

// TestSinkReplicas runs two sinks at once on four partitions: each part is
// written by one of them, exactly once.
func TestSinkReplicas(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, func(c *testConfig) { c.Partitions, c.BatchRows = 4, 100 })
	u.startSink(t, "a", nil)
	u.startSink(t, "b", nil)
	reply := u.submit(t, record.Request{Samples: 2000, Seed: seed(14)})
	job := u.wait(t, reply.JobID, 2*time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
	// Counters are flushed every half second, so their sum settles after
	// the job ends; it then adds up across replicas to the rows written.
	jobs := mustJobs(t, u.conn)
	var counts map[string]pipeline.Counters
	bustest.Eventually(t, time.Minute, func() bool {
		var err error
		counts, err = pipeline.StageCounts(context.Background(), jobs, reply.JobID)
		return err == nil && counts[pipeline.StageSink]["rows"] == 2000
	}, "sink row counters add up to 2000")
	perReplica, err := jobs.List(context.Background(), bus.Key(reply.JobID, "counts", pipeline.StageSink, "*"))
	if err != nil {
		t.Fatal(err)
	}
	for key, raw := range perReplica {
		t.Logf("%s: %s", key, raw)
	}
	t.Logf("manifest sink counters: %v", readLocalOutput(t, u.out, reply.JobID).manifest.Stages[pipeline.StageSink])
}

func mustJobs(t *testing.T, conn *bus.Conn) *bus.Jobs {
	t.Helper()
	jobs, err := conn.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// TestSinkReplicaTakesOver kills one of two running sinks once parts are
// being written: the standby takes its partitions over and the job ends
// with every record once.
func TestSinkReplicaTakesOver(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, func(c *testConfig) { c.Partitions, c.BatchRows = 4, 100 })
	first := u.startSink(t, "a", nil)
	waitSinkReady(t, u.js)
	u.startSink(t, "b", nil)
	reply := u.submit(t, record.Request{Samples: 2000, Seed: seed(15)})
	bustest.Eventually(t, time.Minute, func() bool { return partRecords(t, u.conn, reply.JobID) > 0 }, "a part written")
	first.kill()
	if err := first.wait(t, time.Minute); err != nil {
		t.Fatalf("killed sink returned %v", err)
	}
	job := u.wait(t, reply.JobID, 2*time.Minute)
	checkOutput(t, job, readLocalOutput(t, u.out, reply.JobID))
	var counts pipeline.Counters
	bustest.Eventually(t, time.Minute, func() bool {
		_, err := mustJobs(t, u.conn).GetJSON(context.Background(), bus.Key(reply.JobID, "counts", pipeline.StageSink, "b"), &counts)
		return err == nil && counts["parts"] > 0
	}, "the standby wrote parts")
	t.Logf("standby counters: %v", counts)
}
