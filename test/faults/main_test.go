package faults

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// bins holds the binaries TestMain builds, by name: generator,
// classifier, validator, sink, synthdesk and nats-server.
var bins = map[string]string{}

// set is the selected scenario set and job size.
var set = selectSet()

// suiteSet says which scenarios run and how big their jobs are.
type suiteSet struct {
	full      bool
	samples   int
	batchRows int
	// jobTimeout bounds one job from submission to a terminal status.
	jobTimeout time.Duration
	// outage is how long S3 is down in the S3 outage scenario.
	outage time.Duration
}

// selectSet reads SYNTHDESK_FAULTS (short or full),
// SYNTHDESK_FAULTS_SAMPLES and SYNTHDESK_FAULTS_JOB_TIMEOUT.
func selectSet() suiteSet {
	s := suiteSet{samples: 3000, batchRows: 500, jobTimeout: 4 * time.Minute, outage: 10 * time.Second}
	if os.Getenv("SYNTHDESK_FAULTS") == "full" {
		s = suiteSet{full: true, samples: 100_000, batchRows: 10_000, jobTimeout: 20 * time.Minute, outage: 60 * time.Second}
	}
	if v := os.Getenv("SYNTHDESK_FAULTS_SAMPLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			fmt.Fprintf(os.Stderr, "SYNTHDESK_FAULTS_SAMPLES=%q: want a number of at least 100\n", v)
			os.Exit(2)
		}
		s.samples = n
		s.batchRows = max(n/10, 100)
	}
	if v := os.Getenv("SYNTHDESK_FAULTS_JOB_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fmt.Fprintf(os.Stderr, "SYNTHDESK_FAULTS_JOB_TIMEOUT=%q: want a duration such as 10m\n", v)
			os.Exit(2)
		}
		s.jobTimeout = d
	}
	return s
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "synthdesk-faults-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	if err := build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "fault suite: build:", err)
	} else {
		code = m.Run()
		printSummary()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles every binary into dir. Each service is built from its own
// module folder so the build works with and without go.work, as the
// container builds do.
func build(dir string) error {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	targets := []struct{ name, moduleDir, pkg string }{
		{"generator", "services/generator", "."},
		{"classifier", "services/classifier", "."},
		{"validator", "services/validator", "."},
		{"sink", "services/sink", "."},
		{"synthdesk", "cmd/synthdesk", "."},
		{"nats-server", "test/faults", "github.com/nats-io/nats-server/v2"},
	}
	for _, tg := range targets {
		out := filepath.Join(dir, tg.name)
		cmd := exec.Command("go", "build", "-o", out, tg.pkg)
		cmd.Dir = filepath.Join(root, tg.moduleDir)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s in %s: %w\n%s", tg.pkg, tg.moduleDir, err, b)
		}
		bins[tg.name] = out
	}
	return nil
}
