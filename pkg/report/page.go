package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// page is everything the HTML template shows.
type page struct {
	M       dataset.Manifest
	Figures []figure
	Charts  []chart
	Lengths table
	LLM     table
	Timing  table
	Files   table
	Stages  table
	Request string
	Samples []sample
	// Eval is the evaluation against a real sample, nil without one;
	// Experiment names the request's experiment and variant.
	Eval       *evalView
	Experiment string
}

// figure is one headline number.
type figure struct {
	Label, Value string
	Warn         bool
}

func newPage(m dataset.Manifest, samples []record.Conversation) (page, error) {
	req, err := json.MarshalIndent(m.Request, "", "  ")
	if err != nil {
		return page{}, fmt.Errorf("report: encode request: %w", err)
	}
	q := m.Quality
	rejections := sum(m.Rejections)
	p := page{
		M:          m,
		Request:    string(req),
		Samples:    pickSamples(m, samples),
		Eval:       newEvalView(m.Eval),
		Experiment: experimentLine(m.Request.Experiment, m.Request.Variant),
		Charts: []chart{
			intentChart(m),
			confidenceChart(q),
			countChart(ChartRejections, "Rejection reasons", m.Rejections, rejections),
			turnsChart(q),
			countChart(ChartNoise, "Noise tags", q.NoiseTags, q.Records),
			countChart(ChartFlags, "Label flags", q.LabelFlags, q.Records),
		},
	}
	p.Charts[2].Caption = "Share of all rejections; a record rejected for several reasons counts once per reason."
	p.Charts[4].Caption = "Share of accepted records carrying each noise tag."
	p.Charts[5].Caption = "disagreement: rules disagreed with the requested intent and the record was kept; noise_flip: noise changed the rule label."
	p.Figures = []figure{
		{"Status", statusText(m), m.Status != record.StatusDone},
		{"Rows", fmt.Sprint(m.Rows), false},
		{"Label agreement", fmt.Sprintf("%.1f%%", 100*q.LabelAgreement), false},
		{"Label noise rate", fmt.Sprintf("%.1f%%", 100*(1-q.LabelAgreement)), false},
		{"Rejected", fmt.Sprint(rejections), false},
		{"Regenerations", fmt.Sprint(m.Regenerations), false},
		{"Distinct-1 / -2", fmt.Sprintf("%.3f / %.3f", q.Distinct1, q.Distinct2), false},
		{"PII scrubbed", fmt.Sprint(q.PIIScrubbed), false},
	}
	p.Lengths = table{Head: []string{"", "p50", "p90", "p99"}, Rows: [][]string{
		{"turns", fmt.Sprint(q.TurnsPercentiles.P50), fmt.Sprint(q.TurnsPercentiles.P90), fmt.Sprint(q.TurnsPercentiles.P99)},
		{"customer text (characters)", fmt.Sprint(q.CustomerChars.P50), fmt.Sprint(q.CustomerChars.P90), fmt.Sprint(q.CustomerChars.P99)},
	}}
	p.LLM = llmTable(m)
	p.Timing = timingTable(m)
	p.Files = filesTable(m)
	p.Stages = stagesTable(m.Stages)
	return p, nil
}

func llmTable(m dataset.Manifest) table {
	l := m.LLM
	tokens := "reported by the server"
	if l.TokensEstimated {
		tokens = "estimated (a server did not report usage)"
	}
	perRow := "–"
	if m.Rows > 0 {
		perRow = fmt.Sprintf("%.0f", float64(l.PromptTokens+l.CompletionTokens)/float64(m.Rows))
	}
	return table{Head: []string{"figure", "value"}, Rows: [][]string{
		{"generator", l.Generator},
		{"LLM calls", fmt.Sprint(l.Calls)},
		{"retries", fmt.Sprint(l.Retries)},
		{"failed generations", fmt.Sprint(l.GenerationFailed)},
		{"prompt tokens", fmt.Sprint(l.PromptTokens)},
		{"completion tokens", fmt.Sprint(l.CompletionTokens)},
		{"tokens per accepted row", perRow},
		{"token counts", tokens},
		{"LLM seconds", fmt.Sprintf("%.1f", l.LLMSeconds)},
		{"cost", costText(l.Cost)},
	}}
}

// costText shows a job's cost, or how to get one.
func costText(c *float64) string {
	if c == nil {
		return "– (no prices: --price-in and --price-out, or the generator's --llm-prices)"
	}
	return fmt.Sprintf("%.4f (at the prices per million tokens given)", *c)
}

func timingTable(m dataset.Manifest) table {
	t := m.Timing
	return table{Head: []string{"figure", "value"}, Rows: [][]string{
		{"created", stamp(t.CreatedAt)},
		{"finished", stamp(t.FinishedAt)},
		{"seconds", fmt.Sprintf("%.1f", t.Seconds)},
		{"rows per second", fmt.Sprintf("%.1f", t.RowsPerSecond)},
	}}
}

func filesTable(m dataset.Manifest) table {
	t := table{Head: []string{"file", "rows", "bytes", "sha256"}}
	for _, group := range [][]dataset.File{m.Files, m.RejectedFiles} {
		for _, f := range group {
			t.Rows = append(t.Rows, []string{f.Name, fmt.Sprint(f.Rows), fmt.Sprintf("%d (%s)", f.Bytes, size(f.Bytes)), f.SHA256})
		}
	}
	return t
}

func stagesTable(stages map[string]map[string]int64) table {
	t := table{Head: []string{"stage", "counter", "value"}}
	for _, st := range slices.Sorted(maps.Keys(stages)) {
		for _, k := range slices.Sorted(maps.Keys(stages[st])) {
			t.Rows = append(t.Rows, []string{st, k, fmt.Sprint(stages[st][k])})
		}
	}
	return t
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// statusText is the status with the reason a job did not end done.
func statusText(m dataset.Manifest) string {
	if m.Status == record.StatusDone || m.Reason == "" {
		return m.Status
	}
	return m.Status + ": " + m.Reason
}
