package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/quality"
)

// Names of the charts, the data-chart attribute of each <svg>.
const (
	ChartIntents    = "intents"
	ChartConfidence = "confidence"
	ChartRejections = "rejections"
	ChartTurns      = "turns"
	ChartNoise      = "noise"
	ChartFlags      = "label-flags"
)

// ChartNames lists every chart the HTML report draws, in page order.
var ChartNames = []string{ChartIntents, ChartConfidence, ChartRejections, ChartTurns, ChartNoise, ChartFlags}

// intentChart draws delivered (bar) against requested (background) per
// intent, in quota order; intents delivered but never requested follow.
func intentChart(m dataset.Manifest) chart {
	delivered := make(map[string]int64, len(m.Delivered))
	for _, q := range m.Delivered {
		delivered[q.Intent] = int64(q.Count)
	}
	seen := make(map[string]bool, len(m.Requested))
	var pts []point
	for _, q := range m.Requested {
		seen[q.Intent] = true
		d := delivered[q.Intent]
		pts = append(pts, point{Label: q.Intent, Value: d, Ref: int64(q.Count), Warn: d < int64(q.Count)})
	}
	for _, name := range slices.Sorted(maps.Keys(delivered)) {
		if !seen[name] {
			pts = append(pts, point{Label: name, Value: delivered[name]})
		}
	}
	c := hbars(ChartIntents, "Intents: delivered vs requested", pts, true, func(p point) string {
		return fmt.Sprintf("%d / %d", p.Value, p.Ref)
	})
	c.Legend = []legendItem{{"bar", "delivered"}, {"ref", "requested"}, {"bar warn", "short of quota"}}
	c.Table = table{Head: []string{"intent", "requested", "delivered", "short"}}
	for _, p := range pts {
		c.Table.Rows = append(c.Table.Rows, []string{p.Label, fmt.Sprint(p.Ref), fmt.Sprint(p.Value), fmt.Sprint(max(0, p.Ref-p.Value))})
	}
	return c
}

// confidenceChart is the histogram of the classifier's confidence.
func confidenceChart(s quality.Summary) chart {
	pts := make([]point, len(s.Confidence))
	for i, n := range s.Confidence {
		pts[i] = point{Label: fmt.Sprintf("%.1f–%.1f", float64(i)/quality.ConfidenceBins, float64(i+1)/quality.ConfidenceBins), Value: n}
	}
	c := columns(ChartConfidence, "Confidence of the rule label", pts)
	c.Empty = s.Records == 0
	c.Caption = "Records per confidence bin; each bin includes its lower bound, the last one also 1.0."
	c.Table = pointTable("confidence", pts, s.Records)
	return c
}

// turnsChart is the histogram of turns per conversation, gaps filled.
func turnsChart(s quality.Summary) chart {
	var pts []point
	if len(s.Turns) > 0 {
		keys := slices.Sorted(maps.Keys(s.Turns))
		for n := keys[0]; n <= keys[len(keys)-1]; n++ {
			pts = append(pts, point{Label: fmt.Sprint(n), Value: s.Turns[n]})
		}
	}
	c := columns(ChartTurns, "Turns per conversation", pts)
	c.Caption = fmt.Sprintf("Percentiles of turns: p50 %d, p90 %d, p99 %d.", s.TurnsPercentiles.P50, s.TurnsPercentiles.P90, s.TurnsPercentiles.P99)
	c.Table = pointTable("turns", pts, s.Records)
	return c
}

// countChart draws a count per name, largest first: rejection reasons,
// noise tags, label flags. Shares are of total.
func countChart(name, title string, counts map[string]int64, total int64) chart {
	pts := make([]point, 0, len(counts))
	for k, v := range counts {
		pts = append(pts, point{Label: k, Value: v})
	}
	slices.SortFunc(pts, func(a, b point) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Label, b.Label))
	})
	c := hbars(name, title, pts, false, func(p point) string {
		return fmt.Sprintf("%d (%s)", p.Value, percent(p.Value, total))
	})
	c.Table = pointTable(name, pts, total)
	return c
}

func pointTable(what string, pts []point, total int64) table {
	t := table{Head: []string{what, "count", "share"}}
	for _, p := range pts {
		t.Rows = append(t.Rows, []string{p.Label, fmt.Sprint(p.Value), percent(p.Value, total)})
	}
	return t
}

// percent formats n/total; an empty total gives a dash.
func percent(n, total int64) string {
	if total <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}
