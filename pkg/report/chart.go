package report

import (
	"fmt"
	"unicode/utf8"
)

// chart is one inline SVG chart with all geometry computed in Go, so the
// template only prints numbers and escaped labels. Every chart also carries
// its data as a table, the fallback for readers without SVG.
type chart struct {
	// Name is the data-chart attribute; Title and Caption are shown.
	Name, Title, Caption string
	Width, Height        float64
	// Columns says the bars stand vertically (histograms); otherwise each
	// row is a horizontal bar with its label on the left.
	Columns bool
	Rows    []chartRow
	Legend  []legendItem
	// Empty charts show a "no data" note instead of bars.
	Empty bool
	Table table
}

// chartRow is one label with its bars: the main bar and, for charts with a
// reference series, a wider background bar behind it.
type chartRow struct {
	Label, FullLabel string
	LabelX, LabelY   float64
	// Anchor is the text-anchor of the label.
	Anchor    string
	Ref       *bar
	Main      bar
	ValueText string
	ValueX    float64
	ValueY    float64
}

// bar is one rectangle; Class picks its colour in the stylesheet.
type bar struct {
	X, Y, W, H float64
	Class      string
}

type legendItem struct {
	Class, Text string
}

// table is the text fallback of a chart, or any table of the report.
type table struct {
	Head []string
	Rows [][]string
}

// point is one labelled value of a chart; Ref is the optional reference
// value (for example the requested count beside the delivered one).
type point struct {
	Label string
	Value int64
	Ref   int64
	// Warn marks a point shown in the warning colour.
	Warn bool
}

// Layout of horizontal bar charts, in SVG user units.
const (
	chartWidth  = 760.0
	labelWidth  = 210.0
	valueWidth  = 90.0
	rowHeight   = 22.0
	chartPad    = 8.0
	maxLabel    = 30
	columnsH    = 180.0
	columnsBase = 28.0
)

// hbars lays out one horizontal bar per point; with ref, each point also
// gets a background bar for its reference value.
func hbars(name, title string, pts []point, withRef bool, value func(point) string) chart {
	c := chart{Name: name, Title: title, Width: chartWidth, Empty: len(pts) == 0}
	c.Height = 2*chartPad + rowHeight*float64(max(len(pts), 1))
	scale := (chartWidth - labelWidth - valueWidth) / float64(maxValue(pts, withRef))
	for i, p := range pts {
		y := chartPad + rowHeight*float64(i)
		r := chartRow{
			Label: shorten(p.Label), FullLabel: p.Label, Anchor: "end",
			LabelX: labelWidth - 6, LabelY: y + rowHeight/2 + 4,
			Main:      bar{X: labelWidth, Y: y + 5, W: float64(p.Value) * scale, H: rowHeight - 10, Class: barClass(p)},
			ValueText: value(p), ValueY: y + rowHeight/2 + 4,
		}
		if withRef {
			r.Ref = &bar{X: labelWidth, Y: y + 2, W: float64(p.Ref) * scale, H: rowHeight - 4, Class: "ref"}
		}
		r.ValueX = labelWidth + max(r.Main.W, refWidth(r.Ref)) + 6
		c.Rows = append(c.Rows, r)
	}
	return c
}

// columns lays out a histogram: one vertical bar per point, labels below.
func columns(name, title string, pts []point) chart {
	c := chart{Name: name, Title: title, Width: chartWidth, Columns: true, Empty: len(pts) == 0}
	c.Height = columnsH + columnsBase + 2*chartPad
	slot := (chartWidth - 2*chartPad) / float64(max(len(pts), 1))
	scale := (columnsH - 16) / float64(maxValue(pts, false))
	base := chartPad + columnsH
	for i, p := range pts {
		x := chartPad + slot*float64(i)
		h := float64(p.Value) * scale
		c.Rows = append(c.Rows, chartRow{
			Label: shorten(p.Label), FullLabel: p.Label, Anchor: "middle",
			LabelX: x + slot/2, LabelY: base + 16,
			Main:      bar{X: x + slot*0.1, Y: base - h, W: slot * 0.8, H: h, Class: barClass(p)},
			ValueText: fmt.Sprint(p.Value), ValueX: x + slot/2, ValueY: base - h - 4,
		})
	}
	return c
}

// maxValue is the largest value (and reference) of pts, at least 1 so
// scales stay finite.
func maxValue(pts []point, withRef bool) int64 {
	m := int64(1)
	for _, p := range pts {
		m = max(m, p.Value)
		if withRef {
			m = max(m, p.Ref)
		}
	}
	return m
}

func barClass(p point) string {
	if p.Warn {
		return "bar warn"
	}
	return "bar"
}

func refWidth(b *bar) float64 {
	if b == nil {
		return 0
	}
	return b.W
}

// shorten keeps labels inside the label column; the full label is in the
// bar's tooltip and the fallback table.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	r := []rune(s)
	return string(r[:maxLabel-1]) + "…"
}
