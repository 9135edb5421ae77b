package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// dashboard is the part of a Grafana dashboard model the test reads.
type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	Title      string  `json:"title"`
	Type       string  `json:"type"`
	Panels     []panel `json:"panels"` // collapsed rows nest their panels
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// promqlWords are the PromQL functions, aggregations and keywords the
// dashboard may use; anything else that is not a known series is a typo.
var promqlWords = map[string]bool{
	"sum": true, "avg": true, "max": true, "min": true, "count": true, "topk": true,
	"rate": true, "irate": true, "increase": true, "histogram_quantile": true,
	"clamp_min": true, "clamp_max": true, "by": true, "without": true,
	"and": true, "or": true, "unless": true, "on": true, "ignoring": true, "bool": true,
}

var (
	promString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promBraces   = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
)

// exprSeries returns the series names in a PromQL expression, and the words
// that are neither series nor known PromQL. Label matchers, ranges, strings
// and grouping labels are dropped first.
func exprSeries(expr string) (series, strange []string) {
	e := promString.ReplaceAllString(expr, `""`)
	e = promBraces.ReplaceAllString(e, "")
	e = promGrouping.ReplaceAllString(e, "")
	for _, loc := range promIdent.FindAllStringIndex(e, -1) {
		word := e[loc[0]:loc[1]]
		if loc[0] > 0 && (e[loc[0]-1] >= '0' && e[loc[0]-1] <= '9' || e[loc[0]-1] == '.') {
			continue // exponent or suffix of a number such as 1e-9
		}
		switch {
		case promqlWords[word]:
		case strings.HasPrefix(word, "synthdesk_"):
			series = append(series, word)
		default:
			strange = append(strange, word)
		}
	}
	return series, strange
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("grafana", "synthdesk-dashboard.json"))
	if err != nil {
		t.Fatalf("read dashboard: %v", err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	return d
}

// flatten lists every panel, including those nested in collapsed rows.
func flatten(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

func TestDashboardUsesOnlyKnownMetrics(t *testing.T) {
	d := loadDashboard(t)
	c := loadContract(t)
	known := map[string]bool{}
	for _, m := range c.Metrics {
		known[m] = true
	}
	for _, h := range c.Histograms {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			known[h+suffix] = true
		}
	}
	used := map[string]bool{}
	exprs := 0
	for _, p := range flatten(d.Panels) {
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q does not use the ${datasource} variable", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs++
			series, strange := exprSeries(tg.Expr)
			if len(series) == 0 {
				t.Errorf("panel %q: %q reads no synthdesk series", p.Title, tg.Expr)
			}
			for _, s := range series {
				if !known[s] {
					t.Errorf("panel %q: unknown metric %s in %q", p.Title, s, tg.Expr)
				}
				used[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "_bucket"), "_sum"), "_count")] = true
			}
			if len(strange) > 0 {
				t.Errorf("panel %q: unrecognised words %v in %q", p.Title, strange, tg.Expr)
			}
		}
	}
	var missing []string
	for _, m := range c.Metrics {
		if !used[m] {
			missing = append(missing, m)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("dashboard never shows %v", missing)
	}
	if exprs == 0 || d.UID == "" || d.Title == "" {
		t.Errorf("dashboard lacks uid, title or queries")
	}
	if len(d.Templating.List) == 0 || d.Templating.List[0].Type != "datasource" {
		t.Errorf("first template variable must be the Prometheus datasource")
	}
}

func TestExprSeries(t *testing.T) {
	tests := []struct {
		name        string
		expr        string
		wantSeries  []string
		wantStrange []string
	}{
		{name: "rate by label", expr: `sum by (stage) (rate(synthdesk_messages_in_total[$__rate_interval]))`,
			wantSeries: []string{"synthdesk_messages_in_total"}},
		{name: "matcher and ratio", expr: `sum(rate(a_b{stage="x y"}[5m])) / clamp_min(sum(rate(synthdesk_x[5m])), 1e-9)`,
			wantSeries: []string{"synthdesk_x"}, wantStrange: []string{"a_b"}},
		{name: "typo in function", expr: `sum(rat(synthdesk_x[5m]))`,
			wantSeries: []string{"synthdesk_x"}, wantStrange: []string{"rat"}},
		{name: "quantile", expr: `histogram_quantile(0.95, sum by (le) (rate(synthdesk_h_bucket[1m])))`,
			wantSeries: []string{"synthdesk_h_bucket"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series, strange := exprSeries(tt.expr)
			if strings.Join(series, ",") != strings.Join(tt.wantSeries, ",") || strings.Join(strange, ",") != strings.Join(tt.wantStrange, ",") {
				t.Errorf("exprSeries(%q) = %v, %v; want %v, %v", tt.expr, series, strange, tt.wantSeries, tt.wantStrange)
			}
		})
	}
}
