package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// stallAfter is how long without any counter moving before the progress
// line says the job is stalled.
const stallAfter = 30 * time.Second

// follow prints a job's progress until it leaves running, then returns
// its final progress. On a terminal the line is redrawn in place.
func follow(ctx context.Context, jobs *bus.Jobs, id string, w io.Writer) (pipeline.Progress, error) {
	tty := isTerminal(w)
	// Poll often so the job's end is seen at once; print a line every
	// 2 s when the output is not a terminal.
	const every = 100 * time.Millisecond
	printEvery := 250 * time.Millisecond
	if !tty {
		printEvery = 2 * time.Second
	}
	var printed time.Time
	start := time.Now()
	var last string
	lastMove := time.Now()
	t := time.NewTicker(every)
	defer t.Stop()
	seen := map[string]pipeline.Counters{}
	for {
		p, err := pipeline.JobProgress(ctx, jobs, id)
		if err != nil {
			return p, err
		}
		keepHighest(seen, p.Stages)
		if record.Terminal(p.Job.Status) {
			if tty {
				fmt.Fprintln(w)
			}
			return p, nil
		}
		line := progressLine(p, time.Since(start))
		if st := p.Job.Stop; st != nil {
			line += fmt.Sprintf("  ENDING %s: %s", st.Status, st.Reason)
		}
		if key := countersKey(p); key != last {
			last, lastMove = key, time.Now()
		} else if time.Since(lastMove) > stallAfter {
			line += fmt.Sprintf("  STALLED: no stage moved for %s (see `synthdesk status` and the services' logs)", time.Since(lastMove).Round(time.Second))
		}
		switch {
		case time.Since(printed) < printEvery:
		case tty:
			fmt.Fprintf(w, "\r\033[K%s", line)
			printed = time.Now()
		default:
			fmt.Fprintln(w, line)
			printed = time.Now()
		}
		select {
		case <-ctx.Done():
			return p, ctx.Err()
		case <-t.C:
		}
	}
}

// progressLine shows each stage's count against the target with a rate
// and an ETA from the slowest stage, the sink.
func progressLine(p pipeline.Progress, elapsed time.Duration) string {
	n := int64(p.Job.Request.Samples)
	s := p.Stages
	written := s[pipeline.StageSink][pipeline.CounterRows]
	accepted := s[pipeline.StageValidator][pipeline.CounterAccepted]
	// The bar follows accepted rows: the sink writes a part only when it
	// is full, so written rows lag by up to a part per partition.
	line := fmt.Sprintf("%s  generated %d  labeled %d  accepted %d/%d  written %d/%d",
		bar(float64(accepted)/float64(max(n, 1)), 20),
		s[pipeline.StageGenerator][pipeline.CounterGenerated], s[pipeline.StageClassifier][pipeline.CounterLabeled], accepted, n, written, n)
	if rate := float64(accepted) / elapsed.Seconds(); rate > 0 && accepted < n {
		eta := time.Duration(float64(n-accepted) / rate * float64(time.Second))
		line += fmt.Sprintf("  %.0f conv/s  ETA %s", rate, eta.Round(time.Second))
	}
	return line
}

func countersKey(p pipeline.Progress) string {
	var parts []string
	for stage, c := range p.Stages {
		for k, v := range c {
			parts = append(parts, fmt.Sprintf("%s.%s=%d", stage, k, v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func bar(frac float64, width int) string {
	frac = min(max(frac, 0), 1)
	full := int(frac * float64(width))
	return fmt.Sprintf("[%s%s] %3.0f%%", strings.Repeat("#", full), strings.Repeat(".", width-full), frac*100)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// summarize prints a finished job's figures and returns a partialError
// when it ended short.
func summarize(w io.Writer, p pipeline.Progress, elapsed time.Duration, location string) error {
	j := p.Job
	fmt.Fprintf(w, "job %s: %s\n", j.ID, j.Status)
	if j.Reason != "" && j.Status != record.StatusDone {
		fmt.Fprintf(w, "reason: %s\n", j.Reason)
	}
	fmt.Fprintf(w, "rows: %d of %d requested  (%.1fs, %.0f conversations/s)\n", j.Accepted, j.Request.Samples, elapsed.Seconds(), float64(j.Accepted)/elapsed.Seconds())
	if location != "" {
		fmt.Fprintf(w, "output: %s\n", location)
	}
	short := map[string]int{}
	for _, q := range j.Shortfall {
		short[q.Intent] = q.Count
	}
	fmt.Fprintln(w, "per intent (delivered/requested):")
	for _, q := range j.Quotas {
		fmt.Fprintf(w, "  %-26s %6d/%d\n", q.Intent, q.Count-short[q.Intent], q.Count)
	}
	reasons := make([]string, 0, len(j.Rejections))
	for r := range j.Rejections {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	// Every rejected record was either regenerated or, once the budget
	// was spent, given up; the slots given up are what the job is short.
	givenUp := max(int64(j.Request.Samples)-j.Accepted, 0)
	fmt.Fprintf(w, "rejected records: %d (%d regenerated, %d given up); by reason, a record counting once per reason:\n",
		int64(j.Regenerations)+givenUp, j.Regenerations, givenUp)
	for _, r := range reasons {
		fmt.Fprintf(w, "  %-26s %6d\n", r, j.Rejections[r])
	}
	cl := p.Stages[pipeline.StageClassifier]
	policy := j.Request.Noise.FlipPolicy
	fmt.Fprintf(w, "noise (%s): %d conversations edited, %d label flips handled by policy %s\n",
		noiseLabel(j.Request.Noise), cl[pipeline.CounterNoised], cl[pipeline.CounterNoiseFlips(policy)], policy)
	g := p.Stages[pipeline.StageGenerator]
	fmt.Fprintf(w, "llm: %d calls, %d retries, %d prompt + %d completion tokens", g[pipeline.CounterLLMCalls], g[pipeline.CounterLLMRetries], g[pipeline.CounterPromptTokens], g[pipeline.CounterCompletionTokens])
	if g[pipeline.CounterTokensEstimated] > 0 {
		fmt.Fprint(w, " (estimated)")
	}
	fmt.Fprintln(w)
	if nanos, ok := g[pipeline.CounterCost]; ok {
		fmt.Fprintf(w, "cost: %.4f at %s\n", float64(nanos)/1e9, priceLabel(j.Request.LLM))
	}
	var kinds []string
	for k := range g {
		if kind, ok := k.LLMErrorKind(); ok {
			kinds = append(kinds, kind)
		}
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		fmt.Fprintf(w, "  llm %-22s %6d\n", kind, g[pipeline.CounterLLMError(kind)])
	}
	if j.Status == record.StatusPartial {
		var parts []string
		for _, q := range j.Shortfall {
			parts = append(parts, fmt.Sprintf("%s short by %d", q.Intent, q.Count))
		}
		return &partialError{msg: fmt.Sprintf("job %s ended partial: the retry budget (%d) ran out with %d of %d rows; %s. Files written so far are complete; _SUCCESS is absent.",
			j.ID, j.Request.Quality.RetryBudget, j.Accepted, j.Request.Samples, strings.Join(parts, ", "))}
	}
	switch j.Status {
	case record.StatusFailed:
		return &endedError{code: exitFailed, msg: fmt.Sprintf("job %s failed: %s", j.ID, cmp.Or(j.Reason, j.Error))}
	case record.StatusCancelled:
		return &endedError{code: exitCancelled, msg: fmt.Sprintf("job %s was cancelled: %s; the files written until then are listed in its _manifest.json", j.ID, j.Reason)}
	}
	return nil
}

// priceLabel says where the prices of a job's cost came from.
func priceLabel(l record.LLM) string {
	if l.PriceIn == nil && l.PriceOut == nil {
		return "the generator's prices for the model (--llm-prices)"
	}
	var in, out float64
	if l.PriceIn != nil {
		in = *l.PriceIn
	}
	if l.PriceOut != nil {
		out = *l.PriceOut
	}
	return fmt.Sprintf("%g per million prompt tokens, %g per million completion tokens", in, out)
}

// noiseLabel names the noise a job ran with: the profile, and the
// per-injector rates that override it.
func noiseLabel(n record.Noise) string {
	if len(n.Rates) == 0 {
		return n.Profile
	}
	names := make([]string, 0, len(n.Rates))
	for k := range n.Rates {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, k := range names {
		names[i] = fmt.Sprintf("%s=%g", k, n.Rates[k])
	}
	return fmt.Sprintf("%s, rates %s", n.Profile, strings.Join(names, ","))
}

// keepHighest makes counters monotonic across reads: a listing of the job
// store taken while a replica rewrites its key can miss that key once.
func keepHighest(seen, now map[string]pipeline.Counters) {
	for stage, c := range now {
		if seen[stage] == nil {
			seen[stage] = pipeline.Counters{}
		}
		for k, v := range c {
			seen[stage][k] = max(seen[stage][k], v)
		}
	}
	for stage, c := range seen {
		if now[stage] == nil {
			now[stage] = pipeline.Counters{}
		}
		for k, v := range c {
			now[stage][k] = max(now[stage][k], v)
		}
	}
}
