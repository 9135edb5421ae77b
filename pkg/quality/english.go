package quality

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Language heuristic thresholds, judged over the whole conversation so a
// short, typo-heavy or keyword-mode customer turn is carried by the rest.
const (
	// minJudgedWords is the word count under which only the script is
	// judged: a few words say too little about the language.
	minJudgedWords = 6
	// maxForeignLetters is the share of non-ASCII letters above which the
	// text is in another script or a heavily accented language.
	maxForeignLetters = 0.25
	// minEnglishShare is the share of English marker words under which a
	// text with more foreign than English markers is not English.
	minEnglishShare = 0.15
)

// checkEnglish rejects conversations not written in English: mostly
// non-Latin script, or more function words of other European languages
// than English ones.
func checkEnglish(conv *record.Conversation, f *findings) {
	var s langStats
	for _, t := range conv.Turns {
		s.add(t.Text)
	}
	if d := s.verdict(); d != "" {
		f.add(ReasonNotEnglish, d)
	}
}

// langStats counts letters and marker words of a text.
type langStats struct {
	ascii, other     int // letters
	words            int
	english, foreign int // marker words
}

func (s *langStats) add(text string) {
	var buf [24]byte
	n := 0 // bytes of the current word in buf; -1 when too long or not ASCII
	flush := func() {
		if n > 0 {
			s.words++
			switch markerWords[string(buf[:n])] {
			case langEnglish:
				s.english++
			case langForeign:
				s.foreign++
			}
		} else if n < 0 {
			s.words++
		}
		n = 0
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		switch {
		case r < utf8.RuneSelf && isASCIILetter(byte(r)):
			s.ascii++
			if n >= 0 && n < len(buf) {
				buf[n] = byte(r) | 0x20
				n++
			} else {
				n = -1
			}
		case r == '\'' || r == '\u2019':
			if n > 0 && n < len(buf) {
				buf[n] = '\''
				n++
			}
		case unicode.IsLetter(r):
			s.other++
			n = -1
		default:
			flush()
		}
	}
	flush()
}

// verdict returns why the text is not English, or "".
func (s *langStats) verdict() string {
	letters := s.ascii + s.other
	if letters > 0 && float64(s.other) > maxForeignLetters*float64(letters) {
		return fmt.Sprintf("%d of %d letters are outside ASCII", s.other, letters)
	}
	if s.words < minJudgedWords {
		return ""
	}
	if s.foreign > s.english && float64(s.english) < minEnglishShare*float64(s.words) {
		return fmt.Sprintf("%d of %d words are function words of other languages, %d English", s.foreign, s.words, s.english)
	}
	return ""
}

const (
	langEnglish = 1
	langForeign = 2
)

// markerWords maps lowercase marker words to their language. English
// includes text-speak and words customers use constantly, so typo-heavy
// English still has markers; foreign words are frequent function words of
// Spanish, French, German, Portuguese, Italian and Dutch that are not
// English words.
var markerWords = func() map[string]uint8 {
	m := make(map[string]uint8, 400)
	for _, w := range strings.Fields(englishMarkers) {
		m[w] = langEnglish
	}
	for _, w := range strings.Fields(foreignMarkers) {
		if m[w] == langEnglish {
			panic("quality: marker word in two languages: " + w)
		}
		m[w] = langForeign
	}
	return m
}()

const englishMarkers = `
the a an and or but if of to in on at for with from by about into over after before
i i'm i've i'd i'll me my mine myself you you're your yours we our us they their them
he she his her it it's its this that these those there here what which who whom whose
is are was were be been being am do does did doing don't didn't doesn't have has had
can can't cannot could would should will won't shall may might must not no yes
how why when where please thanks thank hello hi hey ok okay sorry just also very so
than then too some any all more most other such only own same again still already
need want help get got make know like let tell give send show check see find use
order orders account refund payment invoice delivery shipping address password email
cancel change track subscription newsletter fee fees item items package card number
pls plz thx ty u ur r im ive dont cant wont wanna gonna gotta hv abt bc cuz idk
`

const foreignMarkers = `
el los las del que en una por para con mi mis es pero muy tengo
puedo usted quiero necesito hola gracias favor pedido cuenta su sus como
le les des du et je vous nous pour avec mon ma mes pas bonjour merci commande compte
ne qui dans sur votre il elle ce cette suis veux j'ai mais
der die das und ist ich nicht mit sie ein eine zu von den dem auf mein meine
bitte danke habe wie kann bestellung konto wir ihr auch aber oder
eu meu minha com uma obrigado obrigada fazer
il di che non sono ho mio vorrei grazie ordine ciao della questo
het een ik niet mijn bestelling wil graag dank kunt
`
