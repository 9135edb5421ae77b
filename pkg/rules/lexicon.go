package rules

import "strings"

// commonWords are frequent English words that carry no intent by
// themselves. They are part of every vocabulary so that they are never
// mistaken for a misspelling of a rule word.
const commonWords = `a about after again all also am an and any anyone are as at be because been
before being but by can could did do does doing done for from get got had has have having he her
here him his how i if in into is it its just know let like me mine more most my need no nor not now
of on once one only or other our out over please really same she should so some someone something
than thank thanks that the their them then there these they this those through to too try trying
under until up us very want was way we were what when where which while who why will with would yes
yet you your yours hello hi hey good morning afternoon evening assist assistance help support
could tell show see look looking possible wondering guess since still already today tomorrow
yesterday day week month year time last first new another different many much every
able above across actually after against ago almost alone along always among around asap away
back bad best better big bit both bought came card cheaper come coming couple did done doing down
each easy else elsewhere end ending enough even ever everything far few find fine found friend
give given go goes going gone great guy hand happen happened happy hear heard hold home hope hour
idea instead item keep kind late later least left less line little long lot made make many maybe
mean mind minute money morning must name near never next nice night nothing number often ok okay
old once open own part people perhaps phone place point pretty probably put quick quickly quite
rather reason right said say says second seem seems seen sent set several shall short sir madam
small smth soon sorry sort sound start stuff sure take taken tell than thing things think though
thought together took top toward true turn twice type understand unless upon use used usual
usually via wait wanted well went whole wife husband son daughter mom dad work works world
worry wrong automatically already appreciate asked asking`

// lexicon maps normalized words to ids. Words not in it are tried as a
// one-edit misspelling of a known word, then as two known words written
// together.
type lexicon struct {
	ids    map[string]int32
	words  []string
	fuzzy  map[string]int32 // every one-deletion of a word of 4+ letters -> word
	minFix int              // shortest unknown word tried as a misspelling
}

func newLexicon() *lexicon {
	l := &lexicon{ids: map[string]int32{}, fuzzy: map[string]int32{}, minFix: 4}
	for _, w := range strings.Fields(commonWords) {
		s := newScratch(0)
		s.normalize(w)
		for _, x := range s.words {
			l.id(string(s.norm[x.start:x.end]))
		}
	}
	return l
}

// id returns the id of w, adding it when new.
func (l *lexicon) id(w string) int32 {
	if id, ok := l.ids[w]; ok {
		return id
	}
	id := int32(len(l.words))
	l.ids[w] = id
	l.words = append(l.words, w)
	return id
}

// buildFuzzy indexes the deletion neighbourhood of the vocabulary words
// that are not entity names. Earlier (more common) words win a shared key.
func (l *lexicon) buildFuzzy() {
	for id, w := range l.words {
		if len(w) < l.minFix || w[0] == '#' {
			continue
		}
		for _, suf := range surfaceSuffixes {
			l.addFuzzy(w+suf, int32(id))
		}
	}
}

// surfaceSuffixes rebuild the usual inflected forms of a stem, so that a
// misspelled inflected word ("changng") is found from its stem ("chang").
var surfaceSuffixes = []string{"", "e", "s", "es", "ed", "ing", "er", "al", "ation"}

func (l *lexicon) addFuzzy(form string, id int32) {
	if _, ok := l.fuzzy[form]; !ok {
		l.fuzzy[form] = id
	}
	for i := range len(form) {
		d := form[:i] + form[i+1:]
		if _, ok := l.fuzzy[d]; !ok {
			l.fuzzy[d] = id
		}
	}
}

// correct returns the id of the known word within one edit of w (an
// insertion, deletion, substitution or swap of adjacent letters), or -1.
// buf is scratch space.
func (l *lexicon) correct(w []byte, buf []byte) (int32, []byte) {
	if len(w) < l.minFix || w[0] == '#' {
		return -1, buf
	}
	if id, ok := l.fuzzy[string(w)]; ok {
		return id, buf
	}
	for i := range w {
		buf = append(append(buf[:0], w[:i]...), w[i+1:]...)
		if id, ok := l.fuzzy[string(buf)]; ok {
			return id, buf
		}
	}
	return -1, buf
}

// split returns the ids of two known words that w is written of, as in
// "deliveryaddress", or -1s.
func (l *lexicon) split(w []byte, buf []byte) (int32, int32, []byte) {
	if len(w) < 5 || w[0] == '#' {
		return -1, -1, buf
	}
	for i := len(w) - 2; i >= 1; i-- {
		right, ok := l.ids[string(w[i:])]
		if !ok {
			continue
		}
		buf = append(buf[:0], w[:i]...)
		n := stemLen(buf)
		if left, ok := l.ids[string(buf[:n])]; ok {
			return left, right, buf
		}
	}
	return -1, -1, buf
}
