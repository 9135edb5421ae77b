package faults

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// outcome is what a scenario measured, for the summary.
type outcome struct {
	Scenario   string
	Samples    int
	Seconds    float64 // submission to a terminal status
	Status     string
	Rows       int64
	Distinct   int64
	Duplicates int64
	Note       string
	Failed     bool
}

// finish waits for the job to end, checks its dataset and records the
// outcome of the scenario. start is when the job was submitted.
func (e *env) finish(t *testing.T, id string, start time.Time, note string) {
	t.Helper()
	job, err := e.waitEnd(id)
	out := outcome{Scenario: t.Name(), Samples: job.Request.Samples, Seconds: time.Since(start).Seconds(), Status: job.Status, Note: note}
	// Recorded when the scenario ends, so checks made after the job (the
	// topology ones) count in its result.
	t.Cleanup(func() { out.Failed = t.Failed(); keep(t, out) })
	if err != nil {
		out.Status += " (timed out)"
		t.Fatal(err)
	}
	if job.Status != record.StatusDone {
		t.Errorf("job %s ended %q (error %q), want done", id, job.Status, job.Error)
	}
	checkDataset(t, e.store(t), job, &out)
}

// checkDataset verifies a finished job's files: _SUCCESS, contiguous parts,
// manifest sizes and hashes equal to the objects, rows == samples, every
// conversation_id distinct, per-intent counts == quotas.
func checkDataset(t *testing.T, st store.Store, job record.Job, out *outcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := dataset.JobDir(job.ID)
	objs, err := st.List(ctx, dir)
	if err != nil {
		t.Fatalf("list %s: %v", dir, err)
	}
	sizes := map[string]int64{}
	for _, o := range objs {
		sizes[strings.TrimPrefix(o.Key, dir)] = o.Size
	}
	if _, ok := sizes[dataset.SuccessName]; !ok {
		t.Errorf("no %s in %s", dataset.SuccessName, dir)
	}
	var m dataset.Manifest
	if b, err := get(ctx, st, dir+dataset.ManifestName); err != nil {
		t.Fatalf("manifest: %v", err)
	} else if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	wantParts := job.Parts(int64(job.Request.Samples))
	var parts int64
	for name := range sizes {
		if strings.HasPrefix(name, "part-") {
			parts++
		}
	}
	for seq := range wantParts {
		if _, ok := sizes[dataset.PartName(seq)]; !ok {
			t.Errorf("part %s missing: parts are not contiguous", dataset.PartName(seq))
		}
	}
	if parts != wantParts || int64(len(m.Files)) != wantParts {
		t.Errorf("%d part objects and %d manifest files, want %d", parts, len(m.Files), wantParts)
	}
	if m.Rows != int64(job.Request.Samples) {
		t.Errorf("manifest rows %d, want %d", m.Rows, job.Request.Samples)
	}
	ids := make(map[string]struct{}, job.Request.Samples)
	intents := map[string]int{}
	for _, f := range m.Files {
		n := checkPart(ctx, t, st, dir, f, func(c *record.Conversation) {
			ids[c.ConversationID] = struct{}{}
			intents[c.Intent]++
			out.Rows++
		})
		if n != f.Rows {
			t.Errorf("%s: %d rows, manifest says %d", f.Name, n, f.Rows)
		}
	}
	out.Distinct = int64(len(ids))
	out.Duplicates = out.Rows - out.Distinct
	if out.Rows != int64(job.Request.Samples) {
		t.Errorf("%d rows in the parts, want %d", out.Rows, job.Request.Samples)
	}
	if out.Duplicates != 0 {
		t.Errorf("%d duplicate conversation_id in %d rows", out.Duplicates, out.Rows)
	}
	for _, q := range job.Quotas {
		if intents[q.Intent] != q.Count {
			t.Errorf("intent %s: %d rows, quota %d", q.Intent, intents[q.Intent], q.Count)
		}
		delete(intents, q.Intent)
	}
	if len(intents) > 0 {
		t.Errorf("rows of intents without a quota: %v", intents)
	}
}

// checkPart reads one part, compares its size and SHA-256 with the
// manifest and scans its rows; it returns the number of rows.
func checkPart(ctx context.Context, t *testing.T, st store.Store, dir string, f dataset.File, row func(*record.Conversation)) int64 {
	t.Helper()
	b, err := get(ctx, st, dir+f.Name)
	if err != nil {
		t.Errorf("%s: %v", f.Name, err)
		return 0
	}
	sum := sha256.Sum256(b)
	if int64(len(b)) != f.Bytes || hex.EncodeToString(sum[:]) != f.SHA256 {
		t.Errorf("%s: %d bytes sha256 %x, manifest says %d bytes sha256 %s", f.Name, len(b), sum, f.Bytes, f.SHA256)
	}
	var n int64
	if err := dataset.Scan(bytes.NewReader(b), int64(len(b)), func(c *record.Conversation) error {
		row(c)
		n++
		return nil
	}); err != nil {
		t.Errorf("%s: %v", f.Name, err)
	}
	return n
}

func get(ctx context.Context, st store.Store, key string) ([]byte, error) {
	r, err := st.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
