package rules

// stemLen stems the lowercase word w in place and returns the length of
// the stem. The stemmer is deliberately light: it strips common inflection
// (-s, -es, -ies, -ing, -ed, -ly, -ation) and a final -e, and undoubles a
// final consonant, so that "cancelling", "cancelled", "cancels" and
// "cancellation" all become "cancel". Rule phrases go through the same
// function, so the stems only need to be consistent, not real words.
func stemLen(w []byte) int {
	n := len(w)
	if n <= 3 {
		return n
	}
	switch {
	case hasSuffix(w[:n], "ies") && n > 4:
		w[n-3] = 'y'
		n -= 2
	case hasSuffix(w[:n], "sses"):
		n -= 2
	case hasSuffix(w[:n], "ss") || hasSuffix(w[:n], "us") || hasSuffix(w[:n], "is"):
	case w[n-1] == 's':
		n--
	}
	switch {
	case hasSuffix(w[:n], "ations") && n > 8:
		n -= 6
	case hasSuffix(w[:n], "ation") && n > 7:
		n -= 5
	case hasSuffix(w[:n], "ing") && n > 5:
		n -= 3
	case hasSuffix(w[:n], "ed") && n > 4:
		n -= 2
	case hasSuffix(w[:n], "ly") && n > 5:
		n -= 2
	}
	if n > 3 && w[n-1] == 'e' {
		n--
	}
	if n > 3 && w[n-1] == w[n-2] && isConsonant(w[n-1]) && w[n-1] != 's' {
		n--
	}
	return n
}

func hasSuffix(w []byte, suf string) bool {
	return len(w) >= len(suf) && string(w[len(w)-len(suf):]) == suf
}

func isConsonant(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return false
	}
	return c >= 'a' && c <= 'z'
}
