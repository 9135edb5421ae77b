package report

import (
	"strconv"
	"strings"
)

// Markdown helpers: the card shows values that come from the job request
// (labels, model names, output paths), so every such value goes through
// one of these before it reaches the document.

var cellEscaper = strings.NewReplacer(
	"|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;", "\r", " ", "\n", " ", "`", "&#96;",
	"[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "\\", `\\`,
)

// mdText escapes s for a table cell or a line of text: no HTML, no links,
// no emphasis, no line breaks.
func mdText(s string) string { return cellEscaper.Replace(s) }

// mdCode renders s as inline code, with a backtick run longer than any in
// s so the value cannot end the span early.
func mdCode(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if s == "" || s[0] == '`' || s[len(s)-1] == '`' {
		return ticks + " " + s + " " + ticks
	}
	return ticks + s + ticks
}

// mdCell renders s as inline code inside a table cell: GFM splits cells at
// any unescaped pipe, code spans included.
func mdCell(s string) string { return strings.ReplaceAll(mdCode(s), "|", `\|`) }

// mdFence renders s as a fenced code block in lang whose fence is longer
// than any backtick run in s.
func mdFence(lang, s string) string {
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + fence
}

// pyString quotes s as a Python double-quoted literal (Go escapes are
// valid Python escapes).
func pyString(s string) string { return strconv.Quote(s) }

// sqlString quotes s as a SQL single-quoted literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}
