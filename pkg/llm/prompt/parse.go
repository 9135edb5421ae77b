package prompt

import (
	"strconv"
	"strings"
)

// ParseRequests recovers the conversations asked for in a prompt's user
// part: one Requested per line that starts with `REQUEST <n>: ` and
// carries intent, a positive integer turns and channel, in the order of the
// lines. Other lines, and request lines missing one of the three, are
// skipped; the key=value pairs end at the first token that is not one.
// The input may come from the network; ParseRequests never panics on it.
func ParseRequests(user string) []Requested {
	var out []Requested
	for line := range strings.Lines(user) {
		if r, ok := parseRequest(strings.TrimRight(line, "\r\n")); ok {
			out = append(out, r)
		}
	}
	return out
}

func parseRequest(line string) (Requested, bool) {
	rest, ok := strings.CutPrefix(line, requestPrefix)
	if !ok {
		return Requested{}, false
	}
	num, rest, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 {
		return Requested{}, false
	}
	r := Requested{N: n, Axes: map[string]string{}}
	for _, kv := range pairs(rest) {
		switch kv[0] {
		case "intent":
			r.Intent = kv[1]
		case "turns":
			r.Turns, _ = strconv.Atoi(kv[1])
		case "channel":
			r.Channel = kv[1]
		default:
			r.Axes[kv[0]] = kv[1]
		}
	}
	if r.Intent == "" || r.Turns < 1 || r.Channel == "" {
		return Requested{}, false
	}
	return r, true
}

// pairs reads space-separated key=value tokens from s up to the first
// token that is not one; a value starting with a double quote is a Go
// quoted string.
func pairs(s string) [][2]string {
	var out [][2]string
	for {
		s = strings.TrimLeft(s, " \t")
		key, rest, ok := strings.Cut(s, "=")
		if !ok || !isKey(key) {
			return out
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return out
			}
			val, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			val, rest = rest[:end], rest[end:]
		}
		out = append(out, [2]string{key, val})
		s = rest
	}
}

func isKey(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}
