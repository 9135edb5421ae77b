package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"gopkg.in/yaml.v3"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
)

func card(t *testing.T, m dataset.Manifest) string {
	t.Helper()
	out, err := Card(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// frontMatterOf splits the card into its decoded metadata and body.
func frontMatterOf(t *testing.T, c string) (map[string]any, string) {
	t.Helper()
	rest, ok := strings.CutPrefix(c, "---\n")
	if !ok {
		t.Fatal("card does not start with YAML front matter")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		t.Fatal("front matter is not closed")
	}
	var fm map[string]any
	if err := yaml.Unmarshal([]byte(head), &fm); err != nil {
		t.Fatalf("front matter: %v", err)
	}
	return fm, body
}

func TestCardFrontMatter(t *testing.T) {
	m, _ := fixture(t)
	fm, _ := frontMatterOf(t, card(t, m))
	want := map[string][]string{
		"tags":            {"synthetic", "customer-service", "intent-classification"},
		"task_categories": {"text-classification"},
		"size_categories": {"1K<n<10K"},
		"language":        {"en"},
	}
	for key, values := range want {
		var got []string
		for _, v := range fm[key].([]any) {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, values) {
			t.Errorf("%s = %v, want %v", key, got, values)
		}
	}
	if fm["license"] != "other" {
		t.Errorf("license = %v", fm["license"])
	}
}

// TestCardFrontMatterMapsSplits checks that the Hub metadata gives each
// split with rows a configuration reading that split's rows, and no
// other, from the parts.
func TestCardFrontMatterMapsSplits(t *testing.T) {
	m, _ := fixture(t)
	m.Request.Split = record.Split{Train: 0.9, Validation: 0, Test: 0.1}
	fm, _ := frontMatterOf(t, card(t, m))
	configs, _ := fm["configs"].([]any)
	want := []string{"train", "test"}
	if len(configs) != len(want) {
		t.Fatalf("configs %v, want one per split with rows %v", fm["configs"], want)
	}
	for i, c := range configs {
		cfg := c.(map[string]any)
		files := cfg["data_files"].([]any)[0].(map[string]any)
		filter := fmt.Sprint(cfg["filters"])
		if cfg["config_name"] != want[i] || files["split"] != want[i] || files["path"] != "part-*.parquet" ||
			filter != fmt.Sprintf("[[split == %s]]", want[i]) {
			t.Errorf("config %d = %v, want split %s from part-*.parquet filtered on it", i, cfg, want[i])
		}
		if isDefault, _ := cfg["default"].(bool); isDefault != (i == 0) {
			t.Errorf("config %s default = %v", want[i], cfg["default"])
		}
	}
}

func TestSizeCategory(t *testing.T) {
	tests := []struct {
		name string
		rows int64
		want string
	}{
		{name: "empty", rows: 0, want: "n<1K"},
		{name: "just under 1K", rows: 999, want: "n<1K"},
		{name: "1K", rows: 1000, want: "1K<n<10K"},
		{name: "default job", rows: 10_000, want: "10K<n<100K"},
		{name: "large", rows: 2_500_000, want: "1M<n<10M"},
		{name: "huge", rows: 5_000_000_000, want: "1B<n<10B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sizeCategory(tt.rows); got != tt.want {
				t.Errorf("sizeCategory(%d) = %q, want %q", tt.rows, got, tt.want)
			}
		})
	}
}

// briefColumns are the columns the card must document, as published.
var briefColumns = strings.Fields(`conversation_id job_id slot attempt intent category requested_intent
confidence runner_up margin turns customer_text num_turns noise_tags label_flags generator prompt_version
rules_version seed split persona_age_band persona_tech_comfort persona_mood channel tone domain
target_turns quality_score pii_scrubbed created_at`)

func TestCardSchemaHasEveryColumn(t *testing.T) {
	m, _ := fixture(t)
	c := card(t, m)
	for _, name := range briefColumns {
		if !strings.Contains(c, "\n| `"+name+"` | `") {
			t.Errorf("schema has no row for %s", name)
		}
	}
	var names []string
	for _, col := range Columns {
		names = append(names, col.Name)
		if col.Type == "" || col.Meaning == "" {
			t.Errorf("column %s lacks a type or meaning", col.Name)
		}
	}
	if !slices.Equal(names, briefColumns) {
		t.Errorf("Columns = %v\nwant %v", names, briefColumns)
	}
}

// TestColumnsMatchParquet reads a file the dataset package writes with an
// independent Parquet reader, so the card's schema follows the files.
func TestColumnsMatchParquet(t *testing.T) {
	_, samples := fixture(t)
	var buf bytes.Buffer
	if err := dataset.Encode(&buf, samples[:3], dataset.Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, field := range f.Schema().Fields() {
		got = append(got, field.Name())
	}
	var want []string
	for _, c := range Columns {
		want = append(want, c.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("parquet columns = %v\ncard columns    = %v", got, want)
	}
}

func TestCardContent(t *testing.T) {
	m, _ := fixture(t)
	_, body := frontMatterOf(t, card(t, m))
	for _, want := range []string{
		"## This data is synthetic", "not real\ncustomer data", "## Schema", "## Counts per intent",
		"## Splits", "| validation | 0.10 | 270 |", "Splits are not drawn at random", "## Generation settings", "```json\n{", `"seed": 1234`,
		`"backend": "openai"`, `"model": "gpt-4o-mini"`, `"profile": "realistic"`,
		"## Quality", "| label noise rate (1 − label agreement) | 3.8% |", "| `label_disagreement` | 212 |",
		"## Intended use", "## Limitations", "Labels come from rules", "Synthetic distribution shift",
		"## How to load", "pd.read_parquet", `glob.glob("/data/out/job_id=jfixture01/part-*.parquet")`,
		"read_parquet('/data/out/job_id=*/part-*.parquet', hive_partitioning = true)", "load_dataset(\"parquet\"",
		"| `" + m.Requested[3].Intent + "` | 100 | 98 | 2 |",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("card lacks %q", want)
		}
	}
}

func TestCardEscapesJobText(t *testing.T) {
	m, _ := fixture(t)
	m.Request.Labels["note"] = "``` </pre><script>alert(1)</script>\n# heading"
	m.Request.LLM.Model = "model`with`ticks"
	m.LLM.Generator = "gen | <b>x</b> ``"
	m.Rejections["bad|reason <i>"] = 2
	m.Files[0].Name = "part|<x>.parquet"
	c := card(t, m)
	for _, bad := range []string{"<script>", "\n# heading"} {
		if strings.Contains(c, bad) {
			t.Errorf("card contains %q unescaped", bad)
		}
	}
	// The request's fence must outlast the backticks inside it: the JSON
	// block opens with a fence longer than three.
	if !strings.Contains(c, "````json\n") {
		t.Error("request fence not lengthened past the backticks it holds")
	}
	// Inline code shows markup as text; its backtick run outlasts the
	// value's own.
	if !strings.Contains(c, "``` gen | <b>x</b> `` ```") {
		t.Error("generator not shown as inline code")
	}
	if !strings.Contains(c, "| `bad\\|reason <i>` | 2 |") {
		t.Error("pipe in a table cell not escaped")
	}
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name, location, jobDir, root string
	}{
		{name: "local folder", location: "file:///data/out/job_id=j1", jobDir: "/data/out/job_id=j1", root: "/data/out"},
		{name: "s3", location: "s3://bucket/prefix/job_id=j1/", jobDir: "s3://bucket/prefix/job_id=j1", root: "s3://bucket/prefix"},
		{name: "root of the filesystem", location: "file:///job_id=j1", jobDir: "/job_id=j1", root: "/"},
		{name: "relative", location: "job_id=j1", jobDir: "job_id=j1", root: "."},
		{name: "unknown", location: "", jobDir: "OUTPUT/job_id=j1", root: "OUTPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobDir, root := paths(dataset.Manifest{JobID: "j1", Location: tt.location})
			if jobDir != tt.jobDir || root != tt.root {
				t.Errorf("paths = %q, %q; want %q, %q", jobDir, root, tt.jobDir, tt.root)
			}
		})
	}
}

func TestCardS3Loading(t *testing.T) {
	m, _ := fixture(t)
	m.Location = "s3://bucket/sets/job_id=jfixture01/"
	c := card(t, m)
	for _, want := range []string{"s3fs.S3FileSystem().glob(\"s3://bucket/sets/job_id=jfixture01/part-*.parquet\")",
		"read_parquet('s3://bucket/sets/job_id=*/part-*.parquet'"} {
		if !strings.Contains(c, want) {
			t.Errorf("card lacks %q", want)
		}
	}
}

func TestCardEmptyJob(t *testing.T) {
	c := card(t, dataset.Manifest{JobID: "jempty", Status: record.StatusPartial})
	if _, body := frontMatterOf(t, c); !strings.Contains(body, "## Schema") {
		t.Error("empty job card has no schema")
	}
}
