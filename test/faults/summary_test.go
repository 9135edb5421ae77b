package faults

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	outcomesMu sync.Mutex
	outcomes   []outcome
)

// keep records a scenario's outcome for the summary and logs it.
func keep(t *testing.T, o outcome) {
	t.Logf("%s: %s in %.1fs, %d rows, %d distinct, %d duplicates %s", o.Scenario, o.Status, o.Seconds, o.Rows, o.Distinct, o.Duplicates, o.Note)
	outcomesMu.Lock()
	defer outcomesMu.Unlock()
	outcomes = append(outcomes, o)
}

// recorded reports whether scenario has an outcome.
func recorded(scenario string) bool {
	outcomesMu.Lock()
	defer outcomesMu.Unlock()
	for _, o := range outcomes {
		if o.Scenario == scenario {
			return true
		}
	}
	return false
}

// baseline is the passed no-fault outcome, the zero outcome before it ran.
func baseline() outcome {
	outcomesMu.Lock()
	defer outcomesMu.Unlock()
	for _, o := range outcomes {
		if strings.HasSuffix(o.Scenario, "/"+scenarioNoFault) && !o.Failed {
			return o
		}
	}
	return outcome{}
}

// printSummary prints every outcome as a Markdown table on stdout and,
// when SYNTHDESK_FAULTS_REPORT names a file, writes it there too.
func printSummary() {
	if len(outcomes) == 0 {
		return
	}
	var b strings.Builder
	writeSummary(&b)
	fmt.Print(b.String())
	if path := os.Getenv("SYNTHDESK_FAULTS_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "fault suite report:", err)
		}
	}
}

func writeSummary(w io.Writer) {
	base := baseline()
	fmt.Fprintf(w, "\nfault suite, %s, %d CPUs, %s/%s, %s\n\n", setName(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintln(w, "| scenario | samples | status | time | vs no-fault | rows | distinct ids | duplicates | result | note |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, o := range outcomes {
		ratio := "-"
		if base.Seconds > 0 && o.Seconds > 0 && o.Samples == base.Samples {
			ratio = fmt.Sprintf("x%.2f (%+.0fs)", o.Seconds/base.Seconds, o.Seconds-base.Seconds)
		}
		result := "pass"
		if o.Failed {
			result = "FAIL"
		}
		name := o.Scenario[strings.LastIndex(o.Scenario, "/")+1:]
		fmt.Fprintf(w, "| %s | %d | %s | %.1fs | %s | %d | %d | %d | %s | %s |\n", name, o.Samples, o.Status, o.Seconds, ratio, o.Rows, o.Distinct, o.Duplicates, result, o.Note)
	}
}

func setName() string {
	if set.full {
		return "full set"
	}
	return "short set"
}
