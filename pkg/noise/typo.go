package noise

import "slices"

// qwerty lists the keys next to each letter on a QWERTY keyboard.
var qwerty = [26]string{
	'a' - 'a': "qwsz", 'b' - 'a': "vghn", 'c' - 'a': "xdfv", 'd' - 'a': "serfcx",
	'e' - 'a': "wsdr", 'f' - 'a': "drtgvc", 'g' - 'a': "ftyhbv", 'h' - 'a': "gyujnb",
	'i' - 'a': "ujko", 'j' - 'a': "huikmn", 'k' - 'a': "jiolm", 'l' - 'a': "kop",
	'm' - 'a': "njk", 'n' - 'a': "bhjm", 'o' - 'a': "iklp", 'p' - 'a': "ol",
	'q' - 'a': "wa", 'r' - 'a': "edft", 's' - 'a': "awedxz", 't' - 'a': "rfgy",
	'u' - 'a': "yhji", 'v' - 'a': "cfgb", 'w' - 'a': "qase", 'x' - 'a': "zsdc",
	'y' - 'a': "tghu", 'z' - 'a': "asx",
}

// typoKinds are the per-word injectors in the order their rates are
// stacked: one roll per word picks at most one of them.
var typoKinds = [...]int{iTypoAdjacent, iCharDrop, iCharDuplicate, iCharTranspose}

// typos rolls once per eligible word (three or more ASCII letters, no
// digits) and makes at most one typo in it; it returns the set of typo
// injectors that changed a word.
func (t *turn) typos(rates *[numInjectors]float64) (fired mask) {
	var total float64
	for _, i := range typoKinds {
		total += rates[i]
	}
	if total <= 0 {
		return 0
	}
	for w, tok := range t.toks {
		if n, ok := typoLetters(tok); !ok || n < 3 {
			continue
		}
		r := t.rng.Float64()
		for _, i := range typoKinds {
			if r >= rates[i] {
				r -= rates[i]
				continue
			}
			if out, ok := t.typo(i, tok); ok {
				t.toks[w] = out
				fired |= 1 << i
			}
			break
		}
	}
	return fired
}

// typoLetters counts the ASCII letters of tok in the same pass that checks
// that tok is not protected (see protected); ok is false for protected.
func typoLetters(tok string) (n int, ok bool) {
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case isLetter(c):
			n++
		case c >= '0' && c <= '9' || c == '@':
			return 0, false
		}
	}
	return n, true
}

// letterCount counts the ASCII letters of tok.
func letterCount(tok string) int {
	n := 0
	for i := 0; i < len(tok); i++ {
		if isLetter(tok[i]) {
			n++
		}
	}
	return n
}

// typo makes one typo of kind i in tok.
func (t *turn) typo(i int, tok string) (string, bool) {
	b := []byte(tok)
	n := letterCount(tok)
	if i == iCharDrop { // people rarely miss the first letter
		at := nthLetter(b, 1+t.rng.IntN(n-1))
		return string(append(b[:at], b[at+1:]...)), true
	}
	at := nthLetter(b, t.rng.IntN(n))
	switch i {
	case iTypoAdjacent:
		c := b[at] | 0x20
		keys := qwerty[c-'a']
		n := keys[t.rng.IntN(len(keys))]
		if b[at] < 'a' {
			n -= 'a' - 'A'
		}
		b[at] = n
	case iCharDuplicate:
		b = slices.Insert(b, at, b[at])
	case iCharTranspose:
		return transpose(b, at)
	}
	return string(b), true
}

// nthLetter returns the index of the n-th ASCII letter of b.
func nthLetter(b []byte, n int) int {
	for i, c := range b {
		if isLetter(c) {
			if n == 0 {
				return i
			}
			n--
		}
	}
	return -1
}

// transpose swaps the letter at index at (or the first pair after it) with
// the next letter; it fails when no two adjacent letters differ.
func transpose(b []byte, at int) (string, bool) {
	for k := 0; k < len(b)-1; k++ {
		j := (at + k) % (len(b) - 1)
		if isLetter(b[j]) && isLetter(b[j+1]) && b[j] != b[j+1] {
			b[j], b[j+1] = b[j+1], b[j]
			return string(b), true
		}
	}
	return "", false
}
