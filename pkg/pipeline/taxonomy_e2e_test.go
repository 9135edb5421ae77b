package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm/llmsim"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/llm/prompt"
	"github.com/synthdesk/synthdesk/pkg/pipeline"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// bikeshopCategories are the intents and categories of
// testdata/bikeshop.yaml.
var bikeshopCategories = map[string]string{
	"rent_bike": "RENTAL", "report_bike_damage": "REPAIRS", "buy_season_pass": "MEMBERSHIP",
}

func TestTaxonomyCustomEndToEnd(t *testing.T) {
	doc, err := os.ReadFile("testdata/bikeshop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	custom, err := taxonomy.Parse(doc)
	if err != nil {
		t.Fatalf("testdata/bikeshop.yaml: %v", err)
	}
	def, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	defEngine, err := rules.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*testing.T, *testConfig)
		inline string
	}{
		{name: "inline in the request", inline: string(doc)},
		{name: "services' taxonomy", mutate: func(_ *testing.T, cfg *testConfig) { cfg.Taxonomy = custom }},
		{name: "inline through the openai protocol", inline: string(doc), mutate: func(t *testing.T, cfg *testConfig) {
			srv, _ := startSim(t, custom, llmsim.Config{Latency: 5 * time.Millisecond, Capacity: 16, Seed: 3})
			cfg.LLM = simLLM(t, "openai", srv.URL, 30*time.Second)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startCluster(t, func(cfg *testConfig) {
				if tt.mutate != nil {
					tt.mutate(t, cfg)
				}
			})
			reply := c.submit(t, record.Request{Samples: 300, Seed: seed(17), Taxonomy: tt.inline})
			job, rows := c.jobRows(t, reply.JobID, 2*time.Minute)
			if job.Status != record.StatusDone || len(rows) != 300 {
				t.Fatalf("status %s, %d rows, shortfall %v, rejections %v", job.Status, len(rows), job.Shortfall, job.Rejections)
			}
			if job.TaxonomyHash != custom.Hash() {
				t.Errorf("job taxonomy %s, want the custom one %s", job.TaxonomyHash, custom.Hash())
			}
			if len(job.Quotas) != 3 {
				t.Errorf("quotas %v, want the 3 custom intents", job.Quotas)
			}
			checkQuotas(t, job, rows)
			for _, r := range rows {
				cat, ok := bikeshopCategories[r.Intent]
				if !ok || r.Category != cat {
					t.Fatalf("%s: intent %s category %s is not the custom taxonomy's", r.ConversationID, r.Intent, r.Category)
				}
				if r.RulesVersion == "" || r.RulesVersion == defEngine.Version() {
					t.Fatalf("%s: rules_version %q, want the custom rules' (default is %q)", r.ConversationID, r.RulesVersion, defEngine.Version())
				}
			}
			checkPromptVersions(t, rows, custom)
			t.Logf("generator %s: rejections %v, regenerations %d", rows[0].Generator, job.Rejections, job.Regenerations)
			if tt.mutate != nil && tt.inline == "" {
				_, err := pipeline.Submit(context.Background(), c.conn, []byte(`{"samples": 10, "intents": {"track_order": 1}}`))
				if err == nil || !strings.Contains(err.Error(), "intents.track_order") {
					t.Errorf("a default intent under the services' custom taxonomy: error %v, want one naming intents.track_order", err)
				}
			}
		})
	}
}

func TestTaxonomyInvalidInlineIsRefused(t *testing.T) {
	c := startCluster(t, nil)
	tests := []struct {
		name, doc string
	}{
		{name: "not YAML", doc: "intents: [name: {"},
		{name: "unknown field", doc: "intents:\n  - {name: rent_bike, category: RENTAL, colour: red}\n"},
		{name: "no category", doc: "intents:\n  - {name: rent_bike}\n"},
		{name: "bad intent name", doc: "intents:\n  - {name: Rent Bike, category: RENTAL}\n"},
		{name: "unknown base", doc: "extends: bikes\nintents:\n  - {name: rent_bike, category: RENTAL}\n"},
	}
	jobs, err := c.conn.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(record.Request{Samples: 10, Taxonomy: tt.doc})
			_, err := pipeline.Submit(context.Background(), c.conn, b)
			if err == nil || !strings.Contains(err.Error(), "taxonomy") {
				t.Fatalf("error %v, want one naming taxonomy", err)
			}
			keys, _ := jobs.List(context.Background(), "*.state")
			if len(keys) != 0 {
				t.Errorf("%d jobs stored after a refused request", len(keys))
			}
		})
	}
}

// checkPromptVersions checks that every record's prompt_version names
// what its generator used: the few-shot prompt and a hash of the
// examples it showed for a remote model, the custom taxonomy's material
// for the offline synthesizer.
func checkPromptVersions(t *testing.T, rows []fullRow, custom *taxonomy.Taxonomy) {
	t.Helper()
	offlineVersion := offline.New(offline.Config{Taxonomy: custom}).PromptVersion()
	if offlineVersion == offline.New(offline.Config{}).PromptVersion() {
		t.Fatalf("the custom and default material have the same version %s", offlineVersion)
	}
	remote := regexp.MustCompile(`^` + regexp.QuoteMeta(prompt.Version) + `\+[0-9a-f]{8}$`)
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.Generator, "offline/"):
			if r.PromptVersion != offlineVersion {
				t.Fatalf("%s: prompt_version %q, want the custom material's %q", r.ConversationID, r.PromptVersion, offlineVersion)
			}
		case !remote.MatchString(r.PromptVersion):
			t.Fatalf("%s (%s): prompt_version %q, want %s+<8 hex digits of the examples shown>", r.ConversationID, r.Generator, r.PromptVersion, prompt.Version)
		}
	}
}
