package rules

import "strings"

// contractions are the usual English short forms written without an
// apostrophe, and chat spellings, with what they stand for.
var contractions = map[string]string{
	"dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not",
	"cannot": "can not", "wont": "will not", "isnt": "is not", "arent": "are not",
	"wasnt": "was not", "werent": "were not", "havent": "have not", "hasnt": "has not",
	"hadnt": "had not", "couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
	"aint": "is not", "im": "i am", "ive": "i have", "youre": "you are", "theyre": "they are",
	"wanna": "want to", "gonna": "going to", "gotta": "have to", "lemme": "let me",
	"gimme": "give me", "u": "you", "ur": "your", "ya": "you", "pls": "please",
	"plz": "please", "thx": "thanks", "idk": "i do not know", "cuz": "because",
}

// shortNot maps the stem left of "n't" to its full word.
var shortNot = map[string]string{"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}

// suffixWords expands the part right of an apostrophe.
var suffixWords = map[string]string{"m": "am", "re": "are", "ve": "have", "ll": "will", "d": "would"}

// Normalize returns the words of text as the rules see them: lowercase,
// contractions expanded, light stemming, numbers as entity words. It is
// what phrases in rule files are normalized with too.
func Normalize(text string) []string {
	s := newScratch(0)
	s.normalize(text)
	out := make([]string, len(s.words))
	for i, w := range s.words {
		out[i] = string(s.norm[w.start:w.end])
	}
	return out
}

// normalize fills s.words with the stemmed words of text.
func (s *scratch) normalize(text string) {
	s.lex(text)
	s.norm = s.norm[:0]
	s.words = s.words[:0]
	for _, r := range s.raw {
		w := s.lower[r.start:r.end]
		if w[0] == '#' {
			s.emit(w, r.brk, false)
			continue
		}
		if exp, ok := contractions[string(w)]; ok {
			s.emitPhrase(exp, r.brk)
			continue
		}
		if k := indexByte(w, '\''); k > 0 {
			s.apostrophe(w[:k], w[k+1:], r.brk)
			continue
		}
		s.emit(w, r.brk, true)
	}
}

func (s *scratch) apostrophe(base, suf []byte, brk bool) {
	if len(suf) == 1 && suf[0] == 't' && len(base) > 1 && base[len(base)-1] == 'n' {
		b := base[:len(base)-1]
		if full, ok := shortNot[string(b)]; ok {
			s.emitPhrase(full, brk)
		} else {
			s.emit(b, brk, true)
		}
		s.emitPhrase("not", false)
		return
	}
	s.emit(base, brk, true)
	if full, ok := suffixWords[string(suf)]; ok {
		s.emitPhrase(full, false)
	} else if !(len(suf) == 1 && suf[0] == 's') {
		s.emit(suf, false, true)
	}
}

func (s *scratch) emitPhrase(p string, brk bool) {
	for p != "" {
		w := p
		if k := strings.IndexByte(p, ' '); k >= 0 {
			w, p = p[:k], p[k+1:]
		} else {
			p = ""
		}
		s.tmp = append(s.tmp[:0], w...)
		s.emit(s.tmp, brk, true)
		brk = false
	}
}

// emit appends one word, stemmed when stem is set, to s.norm and s.words.
func (s *scratch) emit(w []byte, brk, stem bool) {
	start := len(s.norm)
	s.norm = append(s.norm, w...)
	if stem {
		s.norm = s.norm[:start+stemLen(s.norm[start:])]
	}
	s.words = append(s.words, span{int32(start), int32(len(s.norm)), brk})
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
