package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/synthdesk/synthdesk/pkg/dataset"
)

//go:embed templates/card.md.tmpl
var cardSource string

// cardTemplate is text/template: Markdown has no contextual escaper, so the
// template applies mdText, mdCode or mdFence to every value from the job.
var cardTemplate = template.Must(template.New("card").Funcs(template.FuncMap{
	"text":  mdText,
	"code":  mdCode,
	"cell":  mdCell,
	"fence": mdFence,
	"pct":   func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"deref": func(f *float64) float64 { return *f },
}).Parse(cardSource))

// cardData is what the card template shows.
type cardData struct {
	M           dataset.Manifest
	FrontMatter string
	Columns     []Column
	Intents     table
	Splits      table
	Rejections  table
	Noise       table
	Flags       table
	Confidence  table
	Request     string
	// JobDir and Root are the job's folder and the output root as paths
	// for the loading examples (file:// stripped).
	JobDir, Root string
	Load         snippets
	NoiseRate    float64
	HighConf     string
	// Eval is the evaluation against a real sample, nil without one;
	// Experiment names the request's experiment and variant.
	Eval       *evalView
	Experiment string
}

// Card renders the job's dataset card (README.md) without I/O: Hugging
// Face YAML front matter, then the summary, synthetic-data notice, schema,
// counts, settings, quality figures, intended use, limitations and how to
// load the files.
func Card(m dataset.Manifest) ([]byte, error) {
	fm, err := metadata(m)
	if err != nil {
		return nil, err
	}
	req, err := json.MarshalIndent(m.Request, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode request: %w", err)
	}
	q := m.Quality
	d := cardData{
		M: m, FrontMatter: fm, Columns: Columns, Request: string(req),
		Intents:    intentChart(m).Table,
		Splits:     splitTable(m),
		Rejections: countChart(ChartRejections, "", m.Rejections, sum(m.Rejections)).Table,
		Noise:      countChart(ChartNoise, "", q.NoiseTags, q.Records).Table,
		Flags:      countChart(ChartFlags, "", q.LabelFlags, q.Records).Table,
		Confidence: confidenceChart(q).Table,
		NoiseRate:  1 - q.LabelAgreement,
		HighConf:   percent(q.Confidence[len(q.Confidence)-1], q.Records),
		Eval:       newEvalView(m.Eval),
		Experiment: experimentLine(m.Request.Experiment, m.Request.Variant),
	}
	d.JobDir, d.Root = paths(m)
	d.Load = loadSnippets(d.JobDir, d.Root)
	var b bytes.Buffer
	if err := cardTemplate.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("report: render card: %w", err)
	}
	return b.Bytes(), nil
}

// splitTable gives the split ratios of the request and the rows each
// split holds. The split of every slot is fixed when the job is planned,
// so the rows follow the ratios exactly, per intent and in total.
func splitTable(m dataset.Manifest) table {
	t := table{Head: []string{"split", "ratio", "rows"}}
	for _, r := range splitRatios(m) {
		t.Rows = append(t.Rows, []string{r.name, fmt.Sprintf("%.2f", r.ratio), fmt.Sprint(m.Quality.Splits[r.name])})
	}
	return t
}

type splitRatio struct {
	name  string
	ratio float64
}

// splitRatios are the request's split ratios, with the defaults when it
// set none.
func splitRatios(m dataset.Manifest) []splitRatio {
	s := m.Request.Split
	if s.Train+s.Validation+s.Test == 0 {
		s.Train, s.Validation, s.Test = 0.8, 0.1, 0.1
	}
	return []splitRatio{{"train", s.Train}, {"validation", s.Validation}, {"test", s.Test}}
}

// paths returns the job folder and the output root of m as plain paths or
// s3:// URLs, for the loading examples.
func paths(m dataset.Manifest) (jobDir, root string) {
	jobDir = strings.TrimSuffix(strings.TrimPrefix(m.Location, "file://"), "/")
	if jobDir == "" {
		jobDir = "OUTPUT/" + strings.TrimSuffix(dataset.JobDir(m.JobID), "/")
	}
	root = jobDir
	if i := strings.LastIndex(jobDir, "/"); i >= 0 && strings.HasPrefix(jobDir[i+1:], "job_id=") {
		root = jobDir[:i]
	}
	switch {
	case root == "":
		root = "/"
	case root == jobDir && strings.HasPrefix(jobDir, "job_id="):
		root = "."
	}
	return jobDir, root
}
