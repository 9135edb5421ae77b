package report

import "unicode/utf8"

// isValidText is text an HTML parser reads back unchanged: valid UTF-8
// without NUL or other C0 controls besides tab and newline (parsers
// replace or drop those by specification).
func isValidText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return false
		}
	}
	return true
}
