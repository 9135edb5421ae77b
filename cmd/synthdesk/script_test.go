package main

// The CLI test layer: testdata/script/*.txtar run the commands as README.md
// and docs/ show them, with testscript. `synthdesk` in a script is this
// package's main (the test binary re-executed under that name); the four
// services are built once with `go build` from their own modules and put on
// PATH. Custom commands start the servers a script needs and read what a
// job wrote (and a condition, below the list):
//
//	natsserver                  embedded nats-server with JetStream; sets NATS_URL and SYNTHDESK_NATS_URL
//	s3server                    versitygw with a fresh bucket; sets the AWS_* variables, SYNTHDESK_S3_ENDPOINT and BUCKET
//	build-services              waits for the service binaries (generator, classifier, validator, sink)
//	freeport VAR                sets VAR to a free loopback port
//	waitport PORT               waits until something listens on 127.0.0.1:PORT
//	nats req SUBJECT PAYLOAD    what the NATS CLI's `nats req` does: prints the reply (server from NATS_URL)
//	capture VAR REGEXP          sets VAR to the first submatch of REGEXP in the last command's stdout
//	dataset LOCATION            lists a job's files (a folder or s3://bucket/prefix), each part's compression,
//	                            its Parquet rows per intent and per generator, and a digest of the
//	                            labeled customer texts
//
//	[flag:COMMAND:NAME]         true when `synthdesk COMMAND --help` lists -NAME (COMMAND: run,
//	                            rules.eval, ...). It guards lines for flags docs/ shows that not
//	                            every build has yet; doccommands_test.go fails on a documented
//	                            flag that --help does not list, so a guard never hides one.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
	"github.com/xitongsys/parquet-go-source/buffer"
	"github.com/xitongsys/parquet-go/reader"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"synthdesk": main})
}

// services are the service modules the cluster scripts run.
var services = []string{"generator", "classifier", "validator", "sink"}

// serviceBuild is the background build of the service binaries, started
// once per TestScripts so that scripts which do not need them do not wait.
type serviceBuild struct {
	dir  string
	done chan struct{}
	err  error
}

// startServiceBuild runs `go build` for the services into a temporary
// folder; the build is stopped, if still running, when the test ends.
func startServiceBuild(t *testing.T) *serviceBuild {
	b := &serviceBuild{dir: t.TempDir(), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	// Registered after TempDir's removal, so it runs first.
	t.Cleanup(func() { cancel(); <-b.done })
	go func() {
		defer close(b.done)
		root, err := repoRoot()
		if err != nil {
			b.err = err
			return
		}
		args := []string{"build", "-o", b.dir + string(filepath.Separator)}
		for _, s := range services {
			args = append(args, "./services/"+s)
		}
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}()
	return b
}

func (b *serviceBuild) wait() error {
	<-b.done
	return b.err
}

// repoRoot is the folder holding go.work, above this package.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.work above the test's folder: run the tests inside the repository")
		}
		dir = parent
	}
}

// tbKey holds the script's *testing.T in Env.Values: servers a script
// starts are stopped by its cleanup, after testscript has interrupted the
// script's background processes.
type tbKey struct{}

// buildKey holds the *serviceBuild in Env.Values.
type buildKey struct{}

func TestScripts(t *testing.T) {
	build := startServiceBuild(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			tb, ok := env.T().(testing.TB)
			if !ok {
				return errors.New("testscript's T is not a testing.TB")
			}
			env.Values[tbKey{}] = tb
			env.Values[buildKey{}] = build
			env.Setenv("PATH", build.dir+string(filepath.ListSeparator)+env.Getenv("PATH"))
			return nil
		},
		Condition: flagCondition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"natsserver":     cmdNATSServer,
			"s3server":       cmdS3Server,
			"build-services": cmdBuildServices,
			"freeport":       cmdFreePort,
			"waitport":       cmdWaitPort,
			"nats":           cmdNATS,
			"capture":        cmdCapture("stdout"),
			"capture-stderr": cmdCapture("stderr"),
			"waitglob":       cmdWaitGlob,
			"dataset":        cmdDataset,
		},
	})
}

func scriptTB(ts *testscript.TestScript) testing.TB {
	return ts.Value(tbKey{}).(testing.TB)
}

func noNeg(ts *testscript.TestScript, neg bool, name string) {
	if neg {
		ts.Fatalf("%s does not support negation", name)
	}
}

func cmdNATSServer(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "natsserver")
	if len(args) != 0 {
		ts.Fatalf("usage: natsserver")
	}
	s := bustest.Server(scriptTB(ts))
	ts.Setenv("NATS_URL", s.ClientURL())
	ts.Setenv("SYNTHDESK_NATS_URL", s.ClientURL())
}

func cmdS3Server(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "s3server")
	if len(args) != 0 {
		ts.Fatalf("usage: s3server")
	}
	// Like every object-store test: a missing versitygw fails, it is
	// never skipped (make test installs it; SYNTHDESK_VERSITYGW names it).
	s := storetest.S3(scriptTB(ts))
	ts.Setenv("AWS_ACCESS_KEY_ID", s.AccessKey)
	ts.Setenv("AWS_SECRET_ACCESS_KEY", s.SecretKey)
	ts.Setenv("SYNTHDESK_S3_ENDPOINT", "http://"+s.Endpoint)
	ts.Setenv("BUCKET", s.Bucket)
}

func cmdBuildServices(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "build-services")
	if err := ts.Value(buildKey{}).(*serviceBuild).wait(); err != nil {
		ts.Fatalf("building the services: %v", err)
	}
}

func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "freeport")
	if len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := l.Addr().(*net.TCPAddr).Port
	ts.Check(l.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

// cmdWaitPort polls until a server accepts connections on the port.
func cmdWaitPort(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitport")
	if len(args) != 1 {
		ts.Fatalf("usage: waitport PORT")
	}
	addr := net.JoinHostPort("127.0.0.1", args[0])
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("nothing listens on %s after 30s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// cmdNATS does what `nats req SUBJECT PAYLOAD` of the NATS CLI does: one
// request to the server in NATS_URL, the reply's body on stdout. Like the
// CLI it waits briefly for a responder to appear.
func cmdNATS(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "nats")
	if len(args) != 3 || args[0] != "req" {
		ts.Fatalf("usage: nats req SUBJECT PAYLOAD")
	}
	nc, err := nats.Connect(ts.Getenv("NATS_URL"))
	ts.Check(err)
	defer nc.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		msg, err := nc.Request(args[1], []byte(args[2]), 30*time.Second)
		if errors.Is(err, nats.ErrNoResponders) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond) // the generator is still starting
			continue
		}
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "%s\n", msg.Data)
		return
	}
}

// cmdCapture sets VAR to the first submatch of REGEXP in the last
// command's stdout or stderr.
func cmdCapture(from string) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		noNeg(ts, neg, "capture")
		if len(args) != 2 {
			ts.Fatalf("usage: capture VAR REGEXP")
		}
		re, err := regexp.Compile(args[1])
		ts.Check(err)
		m := re.FindStringSubmatch(ts.ReadFile(from))
		if len(m) < 2 {
			ts.Fatalf("no match for %q (with a submatch) in %s", args[1], from)
		}
		ts.Setenv(args[0], m[1])
	}
}

// cmdWaitGlob polls until a file matching the pattern exists: a running
// command has got that far.
func cmdWaitGlob(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitglob")
	if len(args) != 1 {
		ts.Fatalf("usage: waitglob PATTERN")
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if m, _ := filepath.Glob(ts.MkAbs(args[0])); len(m) > 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no file matches %s after 2m", args[0])
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// cmdDataset lists a job's objects, relative to LOCATION, and the rows of
// its Parquet parts per intent: what README's DuckDB query shows.
func cmdDataset(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "dataset")
	if len(args) != 1 {
		ts.Fatalf("usage: dataset LOCATION")
	}
	loc := args[0]
	if !strings.Contains(loc, "://") {
		loc = ts.MkAbs(loc)
	}
	s3, err := store.S3ConfigFromEnv(func(k string) (string, bool) { v := ts.Getenv(k); return v, v != "" })
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := store.Open(ctx, loc, s3)
	ts.Check(err)
	objs, err := st.List(ctx, "")
	ts.Check(err)
	if len(objs) == 0 {
		ts.Fatalf("%s holds no objects", loc)
	}
	rows := 0
	intents := map[string]int{}
	var texts []string
	generators := map[string]int{}
	ids := map[string]bool{}
	for _, o := range objs {
		fmt.Fprintf(ts.Stdout(), "file %s\n", o.Key)
		if strings.HasPrefix(o.Key, "rejected/") || !strings.HasSuffix(o.Key, ".parquet") {
			continue
		}
		rc, err := st.Get(ctx, o.Key)
		ts.Check(err)
		var buf bytes.Buffer
		_, err = buf.ReadFrom(rc)
		rc.Close()
		ts.Check(err)
		codecs, err := parquetCodecs(buf.Bytes())
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "codec %s %s\n", o.Key, codecs)
		ts.Check(dataset.Scan(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(c *record.Conversation) error {
			rows++
			ids[c.ConversationID] = true
			intents[c.Intent]++
			generators[c.Generator]++
			texts = append(texts, c.Intent+"\t"+c.CustomerText())
			return nil
		}))
	}
	fmt.Fprintf(ts.Stdout(), "rows %d\n", rows)
	fmt.Fprintf(ts.Stdout(), "distinct ids %d\n", len(ids))
	sort.Strings(texts)
	sum := sha256.Sum256([]byte(strings.Join(texts, "\n")))
	fmt.Fprintf(ts.Stdout(), "texts %x\n", sum[:8])
	printCounts(ts, "intent", intents)
	printCounts(ts, "generator", generators)
}

// printCounts prints one "label key count" line per key, sorted by key.
func printCounts(ts *testscript.TestScript, label string, counts map[string]int) {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(ts.Stdout(), "%s %s %d\n", label, k, counts[k])
	}
}

// parquetCodecs names the compression codecs of a Parquet file's column
// chunks, from its footer, comma-separated without repeats.
func parquetCodecs(b []byte) (string, error) {
	pr, err := reader.NewParquetReader(buffer.NewBufferFileFromBytes(b), nil, 1)
	if err != nil {
		return "", fmt.Errorf("parquet footer: %w", err)
	}
	defer pr.ReadStop()
	seen := map[string]bool{}
	var out []string
	for _, rg := range pr.Footer.RowGroups {
		for _, c := range rg.Columns {
			if name := c.MetaData.Codec.String(); !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return strings.Join(out, ","), nil
}

// flagCondition evaluates [flag:COMMAND:NAME].
func flagCondition(cond string) (bool, error) {
	parts := strings.Split(cond, ":")
	if len(parts) != 3 || parts[0] != "flag" || parts[1] == "" || parts[2] == "" {
		return false, fmt.Errorf("unknown condition %q (want flag:COMMAND:NAME)", cond)
	}
	return helpLists(helpText(strings.Split(parts[1], ".")), parts[2]), nil
}
