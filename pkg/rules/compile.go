package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"

	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Defaults used when the taxonomy's calibration leaves a field zero.
const (
	DefaultTemperature    = 1.0
	DefaultNegationWindow = 4
	maxPhraseWords        = 8
)

// DefaultTurnWeights weigh the first customer turn most; later customer
// turns add less and less evidence.
var DefaultTurnWeights = []float64{1, 0.5, 0.3, 0.2}

// Compile builds an engine from a taxonomy's rules and calibration. Errors
// name the intent and the phrase or pattern that is wrong.
func Compile(t *taxonomy.Taxonomy) (*Engine, error) {
	if t == nil || len(t.Intents) == 0 {
		return nil, errors.New("rules: taxonomy has no intents")
	}
	e := &Engine{tax: t, lex: newLexicon(), ac: newAutomaton()}
	for _, w := range skipWords {
		e.skipNorm = append(e.skipNorm, Normalize(w)...)
	}
	var errs []error
	for i, in := range t.Intents {
		e.names = append(e.names, in.Name)
		e.cats = append(e.cats, in.Category)
		e.bias = append(e.bias, in.Rules.Bias)
		errs = append(errs, e.addPhrases(int32(i), in)...)
		errs = append(errs, e.addPatterns(int32(i), in)...)
	}
	if err := e.setCalibration(t.Calibration); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	e.addWords(negationCues)
	e.addWords(scopeBreakers)
	e.addWords(skipWords)
	e.addWords(abilityWords)
	e.ability = e.wordSet(abilityWords)
	e.skip = e.wordSet(skipWords)
	e.cue = e.wordSet(negationCues)
	e.breaker = e.wordSet(scopeBreakers)
	e.lex.buildFuzzy()
	e.ac.build()
	e.version = "rules-" + contentHash(t)
	n := len(e.names)
	e.pool.New = func() any { return newScratch(n) }
	return e, nil
}

func (e *Engine) addPhrases(intent int32, in taxonomy.Intent) []error {
	var errs []error
	seen := map[string]int{}
	keys := sortedKeys(in.Rules.Phrases)
	for _, text := range keys {
		w := in.Rules.Phrases[text]
		words := Normalize(text)
		switch {
		case math.IsNaN(w) || math.IsInf(w, 0):
			errs = append(errs, fmt.Errorf("intent %q: phrase %q: weight must be a finite number", in.Name, text))
			continue
		case len(words) == 0:
			errs = append(errs, fmt.Errorf("intent %q: phrase %q: has no words after normalization", in.Name, text))
			continue
		case len(words) > maxPhraseWords:
			errs = append(errs, fmt.Errorf("intent %q: phrase %q: has %d words, at most %d allowed", in.Name, text, len(words), maxPhraseWords))
			continue
		}
		ids := make([]int32, 0, len(words))
		for _, w := range words {
			if !slices.Contains(e.skipNorm, w) {
				ids = append(ids, e.lex.id(w))
			}
		}
		if len(ids) == 0 {
			errs = append(errs, fmt.Errorf("intent %q: phrase %q: has only words that are skipped (articles, possessives)", in.Name, text))
			continue
		}
		key := fmt.Sprint(ids)
		if j, ok := seen[key]; ok { // "refund" and "refunds" are one phrase
			e.phrases[j].weight = max(e.phrases[j].weight, w)
			continue
		}
		seen[key] = len(e.phrases)
		e.ac.add(ids, int32(len(e.phrases)))
		e.phrases = append(e.phrases, phrase{intent: intent, words: int32(len(ids)), weight: w, text: text})
	}
	return errs
}

func (e *Engine) addPatterns(intent int32, in taxonomy.Intent) []error {
	var errs []error
	for _, text := range sortedKeys(in.Rules.Patterns) {
		w := in.Rules.Patterns[text]
		re, err := regexp.Compile(text)
		if err != nil {
			errs = append(errs, fmt.Errorf("intent %q: pattern %q: %w", in.Name, text, err))
			continue
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			errs = append(errs, fmt.Errorf("intent %q: pattern %q: weight must be a finite number", in.Name, text))
			continue
		}
		e.patterns = append(e.patterns, pattern{intent: intent, weight: w, re: re, text: text})
	}
	return errs
}

// setCalibration validates the calibration and fills in defaults.
func (e *Engine) setCalibration(c taxonomy.Calibration) error {
	var errs []error
	e.temperature, e.threshold, e.agentWeight = c.Temperature, c.Threshold, c.AgentWeight
	e.turnWeights, e.negWindow = c.TurnWeights, c.NegationWindow
	if e.temperature == 0 {
		e.temperature = DefaultTemperature
	}
	if e.negWindow == 0 {
		e.negWindow = DefaultNegationWindow
	}
	if len(e.turnWeights) == 0 {
		e.turnWeights = DefaultTurnWeights
	}
	if !(e.temperature > 0) || math.IsInf(e.temperature, 0) {
		errs = append(errs, fmt.Errorf("calibration: temperature %v must be a positive number", c.Temperature))
	}
	if !(e.threshold >= 0 && e.threshold < 1) {
		errs = append(errs, fmt.Errorf("calibration: threshold %v must be in [0, 1)", c.Threshold))
	}
	if e.negWindow < 0 {
		errs = append(errs, fmt.Errorf("calibration: negation_window %d must not be negative", c.NegationWindow))
	}
	for i, w := range append([]float64{e.agentWeight}, e.turnWeights...) {
		if !(w >= 0) || math.IsInf(w, 0) {
			errs = append(errs, fmt.Errorf("calibration: turn weight %d (%v) must be a non-negative number", i, w))
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) addWords(words []string) {
	for _, w := range words {
		for _, n := range Normalize(w) {
			e.lex.id(n)
		}
	}
}

// wordSet marks the ids of words, which must all be in the vocabulary.
func (e *Engine) wordSet(words []string) []bool {
	set := make([]bool, len(e.lex.words))
	for _, w := range words {
		for _, n := range Normalize(w) {
			set[e.lex.id(n)] = true
		}
	}
	return set
}

// contentHash hashes what the classification depends on: names, rules,
// categories and calibration.
func contentHash(t *taxonomy.Taxonomy) string {
	type item struct {
		Name, Category string
		Rules          taxonomy.RuleSpec
	}
	doc := struct {
		Intents     []item
		Calibration taxonomy.Calibration
	}{Calibration: t.Calibration}
	for _, in := range t.Intents {
		doc.Intents = append(doc.Intents, item{in.Name, in.Category, in.Rules})
	}
	b, err := json.Marshal(doc)
	if err != nil { // plain data; cannot fail
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
