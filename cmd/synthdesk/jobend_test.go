package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/pipeline/generator"
	"github.com/synthdesk/synthdesk/pkg/pipeline/sink"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// TestRunZeroAcceptedEnds is the job that used to print STALLED forever:
// every record is rejected, and the run exits 4 (failed) with a manifest.
func TestRunZeroAcceptedEnds(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	req := writeRequest(t, `{"samples":3,"seed":9,"intents":{"track_refund":1},"quality":{"retry_budget":2}}`)
	// Rules that abstain on every text (no confidence reaches the
	// threshold) reject every record, whatever the synthesizer writes.
	tax := filepath.Join(t.TempDir(), "abstain.yaml")
	if err := os.WriteFile(tax, []byte("extends: default\ncalibration:\n  temperature: 1000\n  threshold: 0.99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code := dispatch(context.Background(), []string{"run", "--request", req, "--taxonomy", tax, "--out", out}, strings.NewReader(""), &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitFailed, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "reason: no record was accepted") {
		t.Errorf("summary lacks the reason:\n%s", stdout.String())
	}
	if m, _ := filepath.Glob(filepath.Join(out, "job_id=*", dataset.ManifestName)); len(m) != 1 {
		t.Errorf("manifests: %v, want one", m)
	}
}

// TestRunResume interrupts a real `synthdesk run` process kept in
// --state-dir with SIGINT after its first part, then resumes the job: it
// ends with exactly the requested rows, each conversation once.
func TestRunResume(t *testing.T) {
	t.Parallel()
	out, state := t.TempDir(), t.TempDir()
	const id, samples = "resume-1", 3000
	cmd := helper(t, "run", "--request", writeRequest(t, `{"job_id":"`+id+`"}`), "--samples", "3000", "--seed", "5",
		"--out", out, "--batch-rows", "200", "--state-dir", state)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, dataset.JobDir(id))
	bustest.Eventually(t, time.Minute, func() bool {
		parts, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
		return len(parts) > 0
	}, "a first part written")
	sigAt := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted run: %v, want exit %d\nstderr: %s", err, exitInterrupted, stderr.String())
	}
	want := "synthdesk run --resume " + id + " --state-dir " + state
	if !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), "interrupted: job "+id) {
		t.Fatalf("interrupted run does not say what was left and how to resume (%q):\n%s", want, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, dataset.SuccessName)); err == nil {
		t.Fatal("the job finished before it was interrupted; the test needs a larger job")
	}

	t.Logf("interrupted run, stopped %s after SIGINT:\n%s", time.Since(sigAt), stderr.String())
	resumeAt := time.Now()
	defer func() { t.Logf("resumed run took %s", time.Since(resumeAt)) }()
	var stdout2, stderr2 bytes.Buffer
	code := dispatch(context.Background(), []string{"run", "--resume", id, "--state-dir", state}, strings.NewReader(""), &stdout2, &stderr2)
	if code != exitDone {
		t.Fatalf("resumed run exit %d\nstdout: %s\nstderr: %s", code, stdout2.String(), stderr2.String())
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	seen := map[string]bool{}
	for _, p := range parts {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		err = dataset.Scan(bytes.NewReader(b), int64(len(b)), func(c *record.Conversation) error {
			if seen[c.ConversationID] {
				t.Errorf("conversation %s written twice", c.ConversationID)
			}
			seen[c.ConversationID] = true
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if len(seen) != samples {
		t.Errorf("%d distinct rows after the resume, want %d", len(seen), samples)
	}
	var m dataset.Manifest
	b, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m.Rows != samples || m.Status != record.StatusDone {
		t.Errorf("manifest rows %d status %q (%v)", m.Rows, m.Status, err)
	}
}

// TestRunRemovesStaleStores: a temporary store left by a killed run (its
// lock free) is removed by the next run; one in use is left alone.
func TestRunRemovesStaleStores(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stale, live := filepath.Join(tmp, tempStorePrefix+"stale"), filepath.Join(tmp, tempStorePrefix+"live")
	for _, d := range []string{stale, live} {
		if err := os.MkdirAll(filepath.Join(d, "jetstream"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(stale, lockName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(live)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"run", "--samples", "20", "--seed", "1", "--out", t.TempDir()},
		strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr.String())
	}
	left, _ := filepath.Glob(filepath.Join(tmp, tempStorePrefix+"*"))
	if len(left) != 1 || left[0] != live {
		t.Errorf("store folders left: %v, want only %s", left, live)
	}
	if _, err := lockDir(t.TempDir()); err != nil {
		t.Errorf("lock a fresh folder: %v", err)
	}
	if _, err := lockDir(live); err != errStoreInUse {
		t.Errorf("lock a folder in use: %v, want %v", err, errStoreInUse)
	}
}

// TestCancelCommand cancels a running job on a cluster with `synthdesk
// cancel --wait`, which exits 5 (cancelled) once a sink finished it.
func TestCancelCommand(t *testing.T) {
	t.Parallel()
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
	out := t.TempDir()
	deps := pipeline.Deps{Conn: conn, Log: zerolog.Nop(), Taxonomy: tax}
	layout := pipeline.Layout{BatchRows: 200}
	ctx, stop := context.WithCancel(context.Background())
	stages := make(chan error, 1)
	go func() {
		stages <- pipeline.Assemble(ctx, deps, nil, localStages(llms, nil, layout, sink.Config{Layout: layout, Output: out})...)
	}()
	defer func() {
		stop()
		if err := <-stages; err != nil {
			t.Errorf("stages: %v", err)
		}
	}()
	reply, err := pipeline.Submit(context.Background(), conn, mustMarshal(record.Request{Samples: 20000}))
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ := conn.Jobs()
	bustest.Eventually(t, time.Minute, func() bool {
		parts, _ := jobs.List(context.Background(), bus.Key(reply.JobID, "part", "*"))
		return len(parts) > 0
	}, "a part written")
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"cancel", "--nats", srv.ClientURL(), "--wait", reply.JobID}, strings.NewReader(""), &stdout, &stderr)
	if code != exitCancelled {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitCancelled, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "job "+reply.JobID+": cancelled") || !strings.Contains(stdout.String(), "reason: cancelled by request") {
		t.Errorf("summary:\n%s", stdout.String())
	}
	code = dispatch(context.Background(), []string{"status", "--nats", srv.ClientURL(), reply.JobID}, strings.NewReader(""), &stdout, &stderr)
	if code != exitCancelled {
		t.Errorf("status of a cancelled job exits %d, want %d", code, exitCancelled)
	}
}

// TestHelperProcess is not a test: run as a child process by helper, it
// is the synthdesk command, signals included, with the arguments in
// SYNTHDESK_HELPER_ARGS (separated by the unit separator, 0x1f).
func TestHelperProcess(t *testing.T) {
	args, ok := os.LookupEnv("SYNTHDESK_HELPER_ARGS")
	if !ok {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(dispatch(ctx, strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
}

// helper is a synthdesk process running args, as a user would start it.
func helper(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "SYNTHDESK_HELPER_ARGS="+strings.Join(args, "\x1f"))
	t.Cleanup(func() {
		if cmd.ProcessState == nil && cmd.Process != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// TestKilledRunStoreRemoved kills a real `synthdesk run` process with
// SIGKILL, which runs no cleanup: its temporary store stays behind, and
// the next run removes it.
func TestKilledRunStoreRemoved(t *testing.T) {
	tmp := t.TempDir()
	cmd := helper(t, "run", "--samples", "1000000", "--out", t.TempDir())
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stores := func() []string {
		m, _ := filepath.Glob(filepath.Join(tmp, tempStorePrefix+"*", "jetstream"))
		return m
	}
	bustest.Eventually(t, time.Minute, func() bool { return len(stores()) == 1 }, "the run's store created")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(stores()) != 1 {
		t.Fatalf("stores after kill -9: %v, want the killed run's", stores())
	}
	t.Setenv("TMPDIR", tmp)
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"run", "--samples", "20", "--seed", "1", "--out", t.TempDir()},
		strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr.String())
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, tempStorePrefix+"*")); len(left) != 0 {
		t.Errorf("store folders left after the next run: %v", left)
	}
}
