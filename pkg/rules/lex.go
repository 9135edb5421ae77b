package rules

// span is one word of a turn in a byte buffer; brk marks a clause break
// (punctuation) before it.
type span struct {
	start, end int32
	brk        bool
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 0x80 }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func isBreak(c byte) bool {
	switch c {
	case ',', '.', ';', ':', '!', '?', '(', ')', '\n', '"':
		return true
	}
	return false
}

// lex lowercases text into s.lower and splits it into raw words: runs of
// letters, digits and inner apostrophes. Numbers, #ref, $money and mixed
// letter-digit codes become entity words (#num, #n, #ref, #money, #code),
// and '#' followed by letters is kept as an entity name so rules can write
// them.
func (s *scratch) lex(text string) {
	s.lower = s.lower[:0]
	s.raw = s.raw[:0]
	brk := false
	for i := 0; i < len(text); {
		c := lowerByte(text[i])
		if c == 0xe2 && i+2 < len(text) && text[i+1] == 0x80 && (text[i+2] == 0x99 || text[i+2] == 0x98) {
			c, i = '\'', i+2 // typographic apostrophe
		}
		switch {
		case isLetter(c) || isDigit(c):
			i = s.word(text, i, brk)
			brk = false
			continue
		case (c == '#' || c == '$') && i+1 < len(text) && isDigit(text[i+1]):
			j := skipNumber(text, i+1)
			name := "#ref"
			if c == '$' {
				name = "#money"
			}
			s.entity(name, brk)
			brk, i = false, j
			continue
		case c == '#' && i+1 < len(text) && isLetter(lowerByte(text[i+1])):
			j := i + 1
			for j < len(text) && isLetter(lowerByte(text[j])) {
				j++
			}
			start := len(s.lower)
			s.lower = append(s.lower, '#')
			for k := i + 1; k < j; k++ {
				s.lower = append(s.lower, lowerByte(text[k]))
			}
			s.raw = append(s.raw, span{int32(start), int32(len(s.lower)), brk})
			brk, i = false, j
			continue
		case isBreak(c):
			brk = true
		}
		i++
	}
}

// word reads one word starting at i and returns the index after it.
func (s *scratch) word(text string, i int, brk bool) int {
	start := len(s.lower)
	letters, digits := 0, 0
	for i < len(text) {
		c := lowerByte(text[i])
		switch {
		case c == 0xe2 && i+3 < len(text) && text[i+1] == 0x80 && text[i+2] == 0x99:
			if letters == 0 || !isLetter(lowerByte(text[i+3])) {
				goto done
			}
			s.lower = append(s.lower, '\'')
			i += 3
			continue
		case isLetter(c):
			letters++
		case isDigit(c):
			digits++
		case c == '\'' && i+1 < len(text) && isLetter(lowerByte(text[i+1])) && letters > 0:
		default:
			goto done
		}
		s.lower = append(s.lower, c)
		i++
	}
done:
	if digits > 0 {
		s.lower = s.lower[:start]
		switch {
		case letters > 0:
			s.entity("#code", brk)
		case digits >= 5:
			s.entity("#num", brk)
		default:
			s.entity("#n", brk)
		}
		return i
	}
	s.raw = append(s.raw, span{int32(start), int32(len(s.lower)), brk})
	return i
}

func (s *scratch) entity(name string, brk bool) {
	start := len(s.lower)
	s.lower = append(s.lower, name...)
	s.raw = append(s.raw, span{int32(start), int32(len(s.lower)), brk})
}

func skipNumber(text string, i int) int {
	for i < len(text) && (isDigit(text[i]) || (text[i] == '.' || text[i] == ',') && i+1 < len(text) && isDigit(text[i+1])) {
		i++
	}
	return i
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
