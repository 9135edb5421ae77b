package report

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/synthdesk/synthdesk/pkg/dataset"
)

// frontMatter is the Hugging Face dataset card metadata.
type frontMatter struct {
	PrettyName     string   `yaml:"pretty_name"`
	License        string   `yaml:"license"`
	Language       []string `yaml:"language"`
	Tags           []string `yaml:"tags"`
	TaskCategories []string `yaml:"task_categories"`
	SizeCategories []string `yaml:"size_categories"`
	Configs        []config `yaml:"configs"`
}

// config is one Hub configuration. Filters are passed to the Parquet
// builder (datasets' ParquetConfig.filters): every part holds rows of
// all three splits, told apart by the split column.
type config struct {
	Name      string     `yaml:"config_name"`
	DataFiles []dataFile `yaml:"data_files"`
	Filters   [][]string `yaml:"filters,omitempty"`
	Default   bool       `yaml:"default,omitempty"`
}

type dataFile struct {
	Split string `yaml:"split"`
	Path  string `yaml:"path"`
}

// metadata renders the YAML front matter, fences included. It goes through
// a YAML encoder so values from the job cannot break the document.
func metadata(m dataset.Manifest) (string, error) {
	fm := frontMatter{
		PrettyName:     "synthdesk synthetic customer-service conversations (job " + m.JobID + ")",
		License:        "other",
		Language:       []string{"en"},
		Tags:           []string{"synthetic", "customer-service", "intent-classification"},
		TaskCategories: []string{"text-classification"},
		SizeCategories: []string{sizeCategory(m.Rows)},
		Configs:        splitConfigs(m),
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return "", fmt.Errorf("report: encode card metadata: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("report: encode card metadata: %w", err)
	}
	return "---\n" + b.String() + "---\n", nil
}

// splitConfigs maps the parts to the splits: one configuration per split
// with rows, named after it and reading the rows of that split from every
// part, the train one the default. Only accepted parts: rejected/ holds
// records the gate turned down.
func splitConfigs(m dataset.Manifest) []config {
	var out []config
	for _, r := range splitRatios(m) {
		if r.ratio <= 0 {
			continue
		}
		out = append(out, config{
			Name: r.name, DataFiles: []dataFile{{Split: r.name, Path: "part-*.parquet"}},
			Filters: [][]string{{"split", "==", r.name}}, Default: len(out) == 0,
		})
	}
	return out
}

// sizeCategory is the Hugging Face size_categories bucket of n rows.
func sizeCategory(n int64) string {
	buckets := []struct {
		below int64
		name  string
	}{
		{1_000, "n<1K"}, {10_000, "1K<n<10K"}, {100_000, "10K<n<100K"}, {1_000_000, "100K<n<1M"},
		{10_000_000, "1M<n<10M"}, {100_000_000, "10M<n<100M"}, {1_000_000_000, "100M<n<1B"},
	}
	for _, b := range buckets {
		if n < b.below {
			return b.name
		}
	}
	return "1B<n<10B"
}
