package pipeline_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/noise"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

func TestQualityGateClosesTheLoopUnderFaults(t *testing.T) {
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, sim := startSim(t, tax, llmsim.Config{
		Latency: 5 * time.Millisecond, Capacity: 16, FaultRate: 0.3, Faults: llmsim.AllFaults, Seed: 5,
	})
	// A short call timeout keeps the simulator's hanging calls cheap.
	c := startCluster(t, func(cfg *testConfig) { cfg.LLM = simLLM(t, "ollama", srv.URL, time.Second) })
	// Noise is off: noise applied before the gate can hide meta-talk and
	// placeholders from it (TestQualityGateChecksTextBeforeNoise).
	reply := c.submit(t, record.Request{Samples: 500, Seed: seed(21), Noise: record.Noise{Profile: "none"}})
	job, rows := c.jobRows(t, reply.JobID, 3*time.Minute)
	if job.Status != record.StatusDone {
		t.Fatalf("job status %s, shortfall %v, rejections %v", job.Status, job.Shortfall, job.Rejections)
	}
	if len(rows) != 500 {
		t.Fatalf("rows = %d, want 500", len(rows))
	}
	checkQuotas(t, job, rows)

	// The simulator draws faults in arrival order, so which ones a run
	// gets varies; every kind it served must show up in the job.
	st := sim.Stats()
	httpFaults := st.Served["500"] + st.Served["429"] + st.Served["503"] + st.Served["timeout"]
	if httpFaults == 0 || st.Served["ok"] == 0 {
		t.Errorf("simulator served %v: no HTTP fault, the test did not exercise retries", st.Served)
	}
	spoiled := 0
	for fault, reason := range map[llmsim.Fault]string{
		llmsim.FaultPlaceholder: "placeholder", llmsim.FaultMeta: "meta_talk", llmsim.FaultRoles: "role_order",
	} {
		if n := st.Served[string(fault)]; n > 0 {
			spoiled++
			if job.Rejections[reason] == 0 {
				t.Errorf("simulator served %d %s answers but no %s rejection is counted in %v", n, fault, reason, job.Rejections)
			}
		}
	}
	if spoiled == 0 {
		t.Errorf("simulator served %v: no content fault, the test did not exercise the gate", st.Served)
	}
	var rejected int64
	for reason, n := range job.Rejections {
		if n <= 0 {
			t.Errorf("rejections[%s] = %d", reason, n)
		}
		rejected += n
	}
	if rejected == 0 || job.Regenerations == 0 {
		t.Errorf("rejections %v, regenerations %d: the gate turned nothing down under 30%% faults", job.Rejections, job.Regenerations)
	}
	gen := c.generatorCounters(t, reply.JobID, pipeline.CounterLLMRetries)
	if gen["prompt_tokens"] == 0 || gen["completion_tokens"] == 0 {
		t.Errorf("generator counters %v, want tokens", gen)
	}
	t.Logf("simulator served %v; rejections %v; regenerations %d; generator %v", st.Served, job.Rejections, job.Regenerations, gen)

	seen := map[string]string{}
	for _, r := range rows {
		if p := problem(r); p != "" {
			t.Errorf("%s: %s", r.ConversationID, p)
		}
		key := normalizeText(r.CustomerText)
		if prev, ok := seen[key]; ok {
			t.Errorf("%s repeats the customer text of %s", r.ConversationID, prev)
		}
		seen[key] = r.ConversationID
	}
}

var (
	placeholderRE = regexp.MustCompile(`(?i)\[[a-z]+(?:_[a-z]+)+\]|\[[A-Z]{2,}\]|\{[a-z_]+\}`)
	digitRunRE    = regexp.MustCompile(`\d(?:[ -]?\d){12,18}`)
)

// publishedTestCards are the test card numbers the gate may leave or put in.
var publishedTestCards = []string{"4111111111111111", "4242424242424242", "5555555555554444"}

// problem names what the quality gate should have kept out of r, or "".
func problem(r fullRow) string {
	if len(r.Turns) == 0 {
		return "no turns"
	}
	for i, turn := range r.Turns {
		want := record.RoleCustomer
		if i%2 == 1 {
			want = record.RoleAgent
		}
		if turn.Role != want {
			return "turn " + string(rune('0'+i%10)) + " is by " + turn.Role
		}
		if p := placeholderRE.FindString(turn.Text); p != "" {
			return "placeholder " + p
		}
		if strings.Contains(strings.ToLower(turn.Text), "@gmail.com") {
			return "real-looking email address: " + turn.Text
		}
		if strings.Contains(strings.ToLower(turn.Text), "language model") {
			return "meta-talk: " + turn.Text
		}
		for _, run := range digitRunRE.FindAllString(turn.Text, -1) {
			digits := strings.Map(func(r rune) rune {
				if unicode.IsDigit(r) {
					return r
				}
				return -1
			}, run)
			if luhn(digits) && !slices.Contains(publishedTestCards, digits) {
				return "card number " + run
			}
		}
	}
	return ""
}

// luhn reports whether digits pass the Luhn checksum.
func luhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// normalizeText lowercases text, keeps its words and folds every digit
// run to '#', so texts that differ only in case, punctuation or numbers
// compare equal.
func normalizeText(s string) string {
	var b strings.Builder
	inDigits, space := false, false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsDigit(r):
			if !inDigits {
				b.WriteByte('#')
			}
			inDigits, space = true, false
		case unicode.IsLetter(r):
			b.WriteRune(r)
			inDigits, space = false, false
		default:
			if !space {
				b.WriteByte(' ')
			}
			inDigits, space = false, true
		}
	}
	return strings.TrimSpace(b.String())
}

func TestQualityRetryBudgetEndsPartial(t *testing.T) {
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Every call spoils its first conversation, so about one record in
	// four is rejected: far more than a budget of 3 regenerations.
	srv, _ := startSim(t, tax, llmsim.Config{
		Latency: 2 * time.Millisecond, Capacity: 16, FaultRate: 1,
		Faults: []llmsim.Fault{llmsim.FaultPlaceholder, llmsim.FaultMeta, llmsim.FaultRoles}, Seed: 9,
	})
	c := startCluster(t, func(cfg *testConfig) {
		cfg.LLM = simLLM(t, "openai", srv.URL, 30*time.Second)
		cfg.BatchRows = 30 // several parts, so completeness of each one is checked
	})
	reply := c.submit(t, record.Request{Samples: 120, Seed: seed(4), Noise: record.Noise{Profile: "none"},
		Quality: record.Quality{RetryBudget: 3}})
	job, rows := c.jobRows(t, reply.JobID, 2*time.Minute)
	if job.Status != record.StatusPartial {
		t.Fatalf("job status %s, want partial (accepted %d, rejections %v)", job.Status, job.Accepted, job.Rejections)
	}
	short := 0
	for _, q := range job.Shortfall {
		if q.Count <= 0 {
			t.Errorf("shortfall %s: %d", q.Intent, q.Count)
		}
		short += q.Count
	}
	if short == 0 || int64(short) != 120-job.Accepted {
		t.Errorf("shortfall %v adds up to %d, want 120 - accepted %d", job.Shortfall, short, job.Accepted)
	}
	if job.Regenerations != 3 {
		t.Errorf("regenerations %d, want the whole budget of 3", job.Regenerations)
	}
	if int64(len(rows)) != job.Accepted {
		t.Errorf("rows = %d, want accepted %d", len(rows), job.Accepted)
	}
	dir := filepath.Join(c.out, dataset.JobDir(reply.JobID))
	if _, err := os.Stat(filepath.Join(dir, dataset.SuccessName)); !os.IsNotExist(err) {
		t.Errorf("%s of a partial job: stat error %v, want not-exist", dataset.SuccessName, err)
	}
	var m dataset.Manifest
	b, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Status != record.StatusPartial || m.Rows != job.Accepted || len(m.Shortfall) != len(job.Shortfall) {
		t.Errorf("manifest status %s rows %d shortfall %v; job accepted %d shortfall %v", m.Status, m.Rows, m.Shortfall, job.Accepted, job.Shortfall)
	}
	if want := job.Parts(job.Accepted); int64(len(m.Files)) != want {
		t.Errorf("manifest lists %d parts, want %d", len(m.Files), want)
	}
	for _, f := range m.Files {
		if f.Rows <= 0 {
			t.Errorf("part %s has %d rows", f.Name, f.Rows)
		}
	}
	for _, r := range rows {
		if p := problem(r); p != "" {
			t.Errorf("%s: %s", r.ConversationID, p)
		}
	}
}

// TestQualityGateChecksTextBeforeNoise shows that spoiled model output
// stays out of the dataset when noise is on. A noise edit (keyword mode,
// typos, lowercasing) can turn "As an AI language model, I cannot" into
// "ai language model cannot", which a check of the final text no longer
// sees; the classifier therefore checks the text as generated.
func TestQualityGateChecksTextBeforeNoise(t *testing.T) {
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := startSim(t, tax, llmsim.Config{
		Latency: 2 * time.Millisecond, Capacity: 16, FaultRate: 0.5,
		Faults: []llmsim.Fault{llmsim.FaultPlaceholder, llmsim.FaultMeta}, Seed: 2,
	})
	c := startCluster(t, func(cfg *testConfig) { cfg.LLM = simLLM(t, "ollama", srv.URL, 30*time.Second) })
	reply := c.submit(t, record.Request{Samples: 200, Seed: seed(8), Noise: record.Noise{Profile: "heavy"},
		LLM: record.LLM{PerCall: 1}, Turns: record.TurnRange{Min: 3, Max: 3}, Quality: record.Quality{RetryBudget: 5000}})
	_, rows := c.jobRows(t, reply.JobID, 2*time.Minute)
	bad := 0
	for _, r := range rows {
		if p := problem(r); p != "" {
			bad++
			t.Logf("%s: %s", r.ConversationID, p)
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d accepted rows carry spoiled model output", bad, len(rows))
	}
	if len(rows) != 200 {
		t.Errorf("%d rows, want 200", len(rows))
	}
}

// textsBySlot maps "slot-attempt" to the row of a job.
func textsBySlot(rows []fullRow) map[string]fullRow {
	out := make(map[string]fullRow, len(rows))
	for _, r := range rows {
		out[slotKey(r)] = r
	}
	return out
}

func slotKey(r fullRow) string {
	return strings.Join([]string{strconv.FormatInt(r.Slot, 10), strconv.Itoa(int(r.Attempt))}, "-")
}

func customerTexts(rows []fullRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.CustomerText
	}
	slices.Sort(out)
	return out
}

func TestSeedMakesJobsReproducible(t *testing.T) {
	c := startCluster(t, nil)
	// Near-duplicate decisions depend on arrival order, so they are off
	// here: the set of accepted texts is then a function of the seed.
	req := func(s int64) record.Request {
		return record.Request{Samples: 150, Seed: seed(s), Quality: record.Quality{NearDuplicate: 1}}
	}
	var texts [3][]string
	for i, s := range []int64{11, 11, 12} {
		reply := c.submit(t, req(s))
		job, rows := c.jobRows(t, reply.JobID, time.Minute)
		if job.Status != record.StatusDone || len(rows) != 150 {
			t.Fatalf("seed %d: status %s, %d rows", s, job.Status, len(rows))
		}
		texts[i] = customerTexts(rows)
	}
	if !slices.Equal(texts[0], texts[1]) {
		t.Errorf("two jobs with seed 11 differ")
	}
	common := 0
	seen := map[string]bool{}
	for _, s := range texts[0] {
		seen[s] = true
	}
	for _, s := range texts[2] {
		if seen[s] {
			common++
		}
	}
	if common > 15 {
		t.Errorf("seeds 11 and 12 share %d of 150 customer texts", common)
	}
}

// noiseTags is the set of tags noise injectors leave on records.
func noiseTags(t *testing.T) map[string]bool {
	t.Helper()
	tags := map[string]bool{}
	for _, name := range noise.Injectors() {
		tag, ok := noise.Tag(name)
		if !ok {
			t.Fatalf("injector %s has no tag", name)
		}
		tags[tag] = true
	}
	return tags
}

func TestNoiseHeavyIsSeededAndTagged(t *testing.T) {
	c := startCluster(t, nil)
	run := func(profile, flip string) map[string]fullRow {
		t.Helper()
		reply := c.submit(t, record.Request{Samples: 200, Seed: seed(5), Noise: record.Noise{Profile: profile, FlipPolicy: flip}})
		job, rows := c.jobRows(t, reply.JobID, time.Minute)
		if job.Status != record.StatusDone || len(rows) != 200 {
			t.Fatalf("noise %s/%s: status %s, %d rows", profile, flip, job.Status, len(rows))
		}
		return textsBySlot(rows)
	}
	heavy1, heavy2 := run("heavy", "keep"), run("heavy", "keep")
	clean := run("none", "keep")
	dropped := run("heavy", "drop")

	for k, r := range heavy1 {
		o, ok := heavy2[k]
		if !ok || o.CustomerText != r.CustomerText || !slices.Equal(o.NoiseTags, r.NoiseTags) {
			t.Fatalf("slot %s differs between two heavy runs with one seed:\n%q %v\n%q %v", k, r.CustomerText, r.NoiseTags, o.CustomerText, o.NoiseTags)
		}
	}
	known := noiseTags(t)
	written := map[string]bool{}
	for _, tag := range offline.Tags() {
		written[tag] = true
	}
	// onlyNoise keeps the injectors' tags of r: the rest are the tags
	// the synthesizer wrote, which every profile keeps.
	onlyNoise := func(k string, r fullRow) []string {
		var out []string
		for _, tag := range r.NoiseTags {
			switch {
			case known[tag]:
				out = append(out, tag)
			case !written[tag]:
				t.Errorf("slot %s: tag %q is neither an injector's nor the synthesizer's", k, tag)
			}
		}
		return out
	}
	for k, r := range heavy1 {
		r.NoiseTags = onlyNoise(k, r)
		heavy1[k] = r
	}
	for k, r := range clean {
		r.NoiseTags = onlyNoise(k, r)
		clean[k] = r
	}
	noised, flips, compared := 0, 0, 0
	for k, r := range heavy1 {
		if len(r.NoiseTags) > 0 {
			noised++
		}
		if slices.Contains(r.LabelFlags, "noise_flip") {
			flips++
			if len(r.NoiseTags) == 0 || r.Intent != r.RequestedIntent {
				t.Errorf("slot %s: noise_flip with tags %v, intent %s for %s; keep holds the clean label", k, r.NoiseTags, r.Intent, r.RequestedIntent)
			}
		}
		// The same slot and attempt without noise is the clean text.
		if cr, ok := clean[k]; ok {
			compared++
			if changed := cr.CustomerText != r.CustomerText; changed != (len(r.NoiseTags) > 0) {
				t.Errorf("slot %s: tags %v but text changed %v:\nclean %q\nnoisy %q", k, r.NoiseTags, changed, cr.CustomerText, r.CustomerText)
			}
		}
	}
	for k, r := range clean {
		if len(r.NoiseTags) > 0 {
			t.Errorf("slot %s: tags %v under profile none", k, r.NoiseTags)
		}
	}
	dropFlips := 0
	for _, r := range dropped {
		if slices.Contains(r.LabelFlags, "noise_flip") {
			dropFlips++
		}
	}
	t.Logf("heavy: %d of %d rows noised, %d noise_flip under keep, %d compared with the clean run", noised, len(heavy1), flips, compared)
	if noised < len(heavy1)/2 {
		t.Errorf("only %d of %d rows noised under the heavy profile", noised, len(heavy1))
	}
	if compared < len(heavy1)/2 {
		t.Errorf("only %d slots in common with the clean run", compared)
	}
	if flips == 0 {
		t.Errorf("no noise_flip under heavy noise with policy keep")
	}
	if dropFlips != 0 {
		t.Errorf("%d rows flagged noise_flip under policy drop", dropFlips)
	}
}
