// Package noise adds seeded, tagged variation to customer text: typos,
// casing, punctuation, register and abbreviation changes like those real
// customers make. Each edit is made by a named injector whose tag (for
// example "Z:typo_adjacent") is reported when it changed the text, so that
// datasets can be filtered or stratified by the noise they carry.
//
// Apply is deterministic for a given random source state and input, never
// returns empty text, and keeps every token with a digit or an '@' byte for
// byte so that order numbers and other entity cues survive.
package noise

import (
	"math/rand/v2"
	"strings"
)

// mask is a set of injector indexes.
type mask uint32

// Apply edits text with p's injectors and returns the text and the tags of
// the injectors that changed it, sorted, without duplicates. Per-turn
// injectors fire with their rate as probability; the typo injectors roll
// their rate once per word. A profile with no positive rate returns text
// unchanged and consumes no randomness. rng must not be shared between
// goroutines without locking.
func Apply(rng *rand.Rand, text string, p Profile) (string, []string) {
	var rates [numInjectors]float64
	active := false
	for i := range injectors {
		rates[i] = p.Rates[injectors[i].name]
		active = active || rates[i] > 0
	}
	if !active || strings.TrimSpace(text) == "" {
		return text, nil
	}
	t := turn{rng: rng, toks: strings.Split(text, " ")}
	fired := t.run(&rates)
	out := strings.Join(t.toks, " ")
	if fired == 0 || out == text || strings.TrimSpace(out) == "" {
		return text, nil
	}
	return out, fired.tags()
}

// run applies the injectors in pipeline order and returns those that
// changed the turn.
func (t *turn) run(rates *[numInjectors]float64) mask {
	var fired mask
	for i := range iTypoAdjacent {
		if fired&(1<<iKeyword) != 0 && i != iAbbreviation && i != iTextSpeak {
			continue // a keyword query takes no sentence-level rewrites
		}
		if t.roll(rates[i]) && t.apply(i) {
			fired |= 1 << i
		}
	}
	fired |= t.typos(rates)
	switch {
	case t.roll(rates[iShouting]):
		if t.shouting() {
			fired |= 1 << iShouting
		}
	case t.roll(rates[iLowercase]):
		if t.lowercase() {
			fired |= 1 << iLowercase
		}
	}
	return fired
}

// roll reports whether an injector with the given rate fires; rate 0 uses
// no randomness so that disabled injectors do not shift the others.
func (t *turn) roll(rate float64) bool {
	return rate > 0 && t.rng.Float64() < rate
}

// apply runs turn-level injector i and reports whether it changed the turn.
func (t *turn) apply(i int) bool {
	switch i {
	case iKeyword:
		return t.keywordMode()
	case iContraction:
		return t.rewrite(contractions)
	case iColloquial:
		return t.colloquial()
	case iAbbreviation:
		return t.rewrite(abbreviations)
	case iTextSpeak:
		return t.rewrite(textSpeak)
	case iPoliteness:
		return t.politeness()
	case iFiller:
		return t.filler()
	case iPunctDrop:
		return t.punctDrop()
	}
	return false
}

// tags returns the tags of the set, sorted.
func (m mask) tags() []string {
	tags := make([]string, 0, 4)
	for _, i := range tagOrder {
		if m&(1<<i) != 0 {
			tags = append(tags, injectors[i].tag)
		}
	}
	return tags
}
