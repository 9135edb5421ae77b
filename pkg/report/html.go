package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
)

//go:embed templates/report.html.tmpl
var templates embed.FS

// htmlTemplate escapes every value by context (html/template), so labels
// and conversation text from the job can never become markup.
var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"num": func(f float64) string { return fmt.Sprintf("%.1f", f) },
}).ParseFS(templates, "templates/report.html.tmpl"))

// HTML renders the self-contained quality report of a job without I/O:
// inline CSS, charts as inline SVG, no scripts and no external resources
// (a Content-Security-Policy forbids them too).
func HTML(m dataset.Manifest, samples []record.Conversation) ([]byte, error) {
	p, err := newPage(m, samples)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("report: render html: %w", err)
	}
	return b.Bytes(), nil
}
