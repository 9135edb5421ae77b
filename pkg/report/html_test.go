package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
)

func render(t *testing.T, m dataset.Manifest, samples []record.Conversation) (*html.Node, []byte) {
	t.Helper()
	out, err := HTML(m, samples)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("report.html does not parse: %v", err)
	}
	return doc, out
}

// find returns every element under n for which match is true, in
// document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func TestHTMLHasEveryChartWithTableFallback(t *testing.T) {
	m, samples := fixture(t)
	doc, _ := render(t, m, samples)
	svgs := find(doc, tag("svg"))
	var names []string
	for _, s := range svgs {
		names = append(names, attr(s, "data-chart"))
		fig := s.Parent
		if fig.Data != "figure" {
			t.Fatalf("chart %q is not in a figure", attr(s, "data-chart"))
		}
		details := fig.NextSibling
		for details != nil && details.Type != html.ElementNode {
			details = details.NextSibling
		}
		if details == nil || details.Data != "details" || len(find(details, tag("table"))) != 1 {
			t.Errorf("chart %q has no table fallback after it", attr(s, "data-chart"))
		}
		if len(find(s, tag("title"))) == 0 {
			t.Errorf("chart %q has no title", attr(s, "data-chart"))
		}
	}
	if !slices.Equal(names, ChartNames) {
		t.Fatalf("charts = %v, want %v", names, ChartNames)
	}
}

func TestHTMLIntentBars(t *testing.T) {
	m, samples := fixture(t)
	doc, _ := render(t, m, samples)
	chart := find(doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "data-chart") == ChartIntents })[0]
	rows := find(chart, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "row") })
	bars := find(chart, func(n *html.Node) bool { return n.Data == "rect" && hasClass(n, "bar") })
	refs := find(chart, func(n *html.Node) bool { return n.Data == "rect" && hasClass(n, "ref") })
	short := find(chart, func(n *html.Node) bool { return n.Data == "rect" && hasClass(n, "warn") })
	want := len(m.Requested)
	if len(rows) != want || len(bars) != want || len(refs) != want {
		t.Fatalf("rows, bars, refs = %d, %d, %d; want %d each", len(rows), len(bars), len(refs), want)
	}
	if len(short) != len(m.Shortfall) {
		t.Errorf("%d bars marked short, want %d", len(short), len(m.Shortfall))
	}
	if got := text(rows[3]); !strings.Contains(got, m.Requested[3].Intent) || !strings.Contains(got, "98 / 100") {
		t.Errorf("row 3 reads %q", got)
	}
}

func TestHTMLCountCharts(t *testing.T) {
	m, samples := fixture(t)
	doc, _ := render(t, m, samples)
	tests := []struct {
		name  string
		chart string
		bars  int
	}{
		{name: "confidence bins", chart: ChartConfidence, bars: 10},
		{name: "turn counts 2 to 6", chart: ChartTurns, bars: 5},
		{name: "rejection reasons", chart: ChartRejections, bars: len(m.Rejections)},
		{name: "noise tags", chart: ChartNoise, bars: len(m.Quality.NoiseTags)},
		{name: "label flags", chart: ChartFlags, bars: len(m.Quality.LabelFlags)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := find(doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "data-chart") == tt.chart })
			if len(svg) != 1 {
				t.Fatalf("%d svgs named %q", len(svg), tt.chart)
			}
			if got := len(find(svg[0], tag("rect"))); got != tt.bars {
				t.Errorf("%d bars, want %d", got, tt.bars)
			}
		})
	}
}

func TestHTMLFetchesNothing(t *testing.T) {
	m, samples := fixture(t)
	doc, out := render(t, m, samples)
	for _, el := range []string{"script", "link", "img", "iframe", "object", "embed", "image", "use"} {
		if n := len(find(doc, tag(el))); n > 0 {
			t.Errorf("report has %d <%s> elements", n, el)
		}
	}
	for n := range doc.Descendants() {
		for _, a := range n.Attr {
			if a.Key == "src" || a.Key == "href" || a.Key == "srcset" || a.Key == "action" || strings.HasSuffix(a.Key, ":href") {
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
	}
	for _, s := range []string{"http://", "https://", "url(", "@import"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("report contains %q", s)
		}
	}
	csp := find(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "Content-Security-Policy" })
	if len(csp) != 1 || !strings.Contains(attr(csp[0], "content"), "default-src 'none'") {
		t.Error("report has no Content-Security-Policy forbidding fetches")
	}
}

const payload = `<script>alert("x")</script><img src=x onerror=alert(1)>`

func TestHTMLEscapesJobText(t *testing.T) {
	tests := []struct {
		name   string
		inject func(m *dataset.Manifest, s []record.Conversation)
	}{
		{name: "customer turn", inject: func(_ *dataset.Manifest, s []record.Conversation) { s[0].Turns[0].Text = payload }},
		{name: "agent turn", inject: func(_ *dataset.Manifest, s []record.Conversation) { s[0].Turns[1].Text = payload }},
		{name: "turn role", inject: func(_ *dataset.Manifest, s []record.Conversation) { s[0].Turns[0].Role = payload }},
		{name: "intent label", inject: func(m *dataset.Manifest, s []record.Conversation) {
			m.Requested[0].Intent, m.Delivered[0].Intent, s[0].Intent = payload, payload, payload
		}},
		{name: "noise tag", inject: func(m *dataset.Manifest, s []record.Conversation) {
			m.Quality.NoiseTags[payload] = 3
			s[0].NoiseTags = []string{payload}
		}},
		{name: "rejection reason", inject: func(m *dataset.Manifest, _ []record.Conversation) { m.Rejections[payload] = 1 }},
		{name: "job id and location", inject: func(m *dataset.Manifest, _ []record.Conversation) { m.JobID, m.Location = payload, payload }},
		{name: "request label", inject: func(m *dataset.Manifest, _ []record.Conversation) { m.Request.Labels["x"] = payload }},
		{name: "file name", inject: func(m *dataset.Manifest, _ []record.Conversation) { m.Files[0].Name = payload }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, samples := fixture(t)
			tt.inject(&m, samples)
			doc, out := render(t, m, samples)
			if bytes.Contains(out, []byte("<script")) || bytes.Contains(out, []byte("<img")) {
				t.Fatal("injected markup reached the report unescaped")
			}
			if n := len(find(doc, tag("script"))) + len(find(doc, tag("img"))); n > 0 {
				t.Fatalf("%d injected elements in the parsed report", n)
			}
			if !strings.Contains(text(doc), "alert") && !bytes.Contains(out, []byte("alert")) {
				t.Error("injected text vanished instead of being shown escaped")
			}
		})
	}
}

func TestHTMLSamples(t *testing.T) {
	m, _ := fixture(t)
	mk := func(intent string, n int) []record.Conversation {
		out := make([]record.Conversation, n)
		for i := range out {
			out[i] = record.Conversation{ConversationID: intent + string(rune('a'+i)), Intent: intent,
				Turns: []record.Turn{{Role: record.RoleCustomer, Text: "hello"}, {Role: record.RoleAgent, Text: "hi there"}}}
		}
		return out
	}
	first, last := m.Requested[0].Intent, m.Requested[len(m.Requested)-1].Intent
	tests := []struct {
		name    string
		samples []record.Conversation
		want    []string
	}{
		{name: "none", samples: nil, want: nil},
		{name: "capped per intent", samples: mk(first, 5), want: []string{first, first, first}},
		{name: "quota order", samples: append(mk(last, 1), mk(first, 1)...), want: []string{first, last}},
		{name: "unknown intent last", samples: append(mk("custom_intent", 1), mk(last, 2)...), want: []string{last, last, "custom_intent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := render(t, m, tt.samples)
			var got []string
			convs := find(doc, func(n *html.Node) bool { return n.Data == "article" && hasClass(n, "conv") })
			for _, c := range convs {
				got = append(got, text(find(c, tag("b"))[0]))
				if turns := find(c, func(n *html.Node) bool { return hasClass(n, "turn") }); len(turns) != 2 ||
					!hasClass(turns[0], "customer") || !hasClass(turns[1], "agent") {
					t.Errorf("conversation %q not drawn as a customer then an agent bubble", got[len(got)-1])
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("samples shown = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHTMLEmptyJob(t *testing.T) {
	doc, _ := render(t, dataset.Manifest{JobID: "jempty", Status: record.StatusPartial}, nil)
	svgs := find(doc, tag("svg"))
	if len(svgs) != len(ChartNames) {
		t.Fatalf("%d charts, want %d", len(svgs), len(ChartNames))
	}
	for _, s := range svgs {
		if !strings.Contains(text(s), "No data") {
			t.Errorf("empty chart %q does not say so", attr(s, "data-chart"))
		}
	}
}

// FuzzHTMLText checks that any turn text and label is shown as text: the
// parsed report never gains an element from it, and the turn text reads
// back unchanged.
func FuzzHTMLText(f *testing.F) {
	f.Add(payload, "typo")
	f.Add("]]></svg><svg onload=alert(1)>", `"><b>`)
	f.Add("{{.M.JobID}} &amp; &lt;", "</title><script>")
	m, _ := fixture(f)
	f.Fuzz(func(t *testing.T, turn, label string) {
		if !isValidText(turn) || !isValidText(label) {
			t.Skip()
		}
		m := m
		m.Quality.NoiseTags = map[string]int64{label: 1}
		s := []record.Conversation{{Intent: "x", Turns: []record.Turn{{Role: record.RoleCustomer, Text: turn}}}}
		doc, _ := render(t, m, s)
		for _, el := range []string{"script", "img", "iframe"} {
			if n := len(find(doc, tag(el))); n > 0 {
				t.Fatalf("input created <%s>", el)
			}
		}
		bubble := find(doc, func(n *html.Node) bool { return hasClass(n, "turn") })
		if len(bubble) != 1 {
			t.Fatalf("%d bubbles", len(bubble))
		}
		if got := strings.TrimPrefix(text(bubble[0]), record.RoleCustomer); got != turn {
			t.Fatalf("bubble reads %q, want %q", got, turn)
		}
	})
}

// TestReportsShowGeneratorAndCost checks that the report and the card
// name the generator and give the cost when the job had prices, and say
// how to get one when it had none.
func TestReportsShowGeneratorAndCost(t *testing.T) {
	m, samples := fixture(t)
	m.LLM.Generator = "openai/gpt-4o-mini"
	cost := 1.23456
	m.LLM.Cost = &cost
	_, page := render(t, m, samples)
	c := card(t, m)
	for _, want := range []string{"openai/gpt-4o-mini", "1.2346"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report.html lacks %q", want)
		}
		if !strings.Contains(c, want) {
			t.Errorf("card lacks %q", want)
		}
	}
	m.LLM.Cost = nil
	if _, page = render(t, m, samples); !strings.Contains(string(page), "--price-in") {
		t.Errorf("report.html of a job without prices does not say how to get a cost")
	}
}
