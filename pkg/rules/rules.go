// Package rules is the rule-based intent classifier. Rules are data in the
// taxonomy: weighted phrases (and a few regular expressions) per intent.
// Text is normalized, matched against every phrase at once with an
// Aho-Corasick automaton over words, scored per intent with negation and
// turn weights, and turned into probabilities by a softmax whose
// temperature is fitted on labeled data (see Calibrate).
package rules

import (
	"math"
	"sync"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Unknown is the label given when the classifier abstains.
const Unknown = "unknown"

// Result is a classification. When the classifier abstains, Intent is
// Unknown, Confidence is the probability of the best intent (below the
// threshold) and RunnerUp names that best intent.
type Result struct {
	Intent     string  `json:"intent"`
	Category   string  `json:"category"`
	Confidence float64 `json:"confidence"`
	RunnerUp   string  `json:"runner_up"`
	Margin     float64 `json:"margin"`
}

// Engine classifies conversations with a compiled taxonomy. It is
// immutable after Compile and safe for concurrent use.
type Engine struct {
	tax      *taxonomy.Taxonomy
	version  string
	names    []string
	cats     []string
	bias     []float64
	lex      *lexicon
	ac       *automaton
	phrases  []phrase
	patterns []pattern
	cue      []bool // by word id
	breaker  []bool // by word id
	skip     []bool // by word id
	skipNorm []string
	ability  []bool // by word id

	temperature float64
	threshold   float64
	turnWeights []float64
	agentWeight float64
	negWindow   int

	pool sync.Pool
}

// Version is "rules-" and a content hash of the intent names, rules and
// calibration the engine was compiled from.
func (e *Engine) Version() string { return e.version }

// Intents returns the intent names in taxonomy order, the order of Scores.
func (e *Engine) Intents() []string { return e.names }

// Classify labels a conversation. Customer turns count by their order
// (the opening turn most); agent turns count with the agent weight.
func (e *Engine) Classify(turns []record.Turn) Result {
	s := e.pool.Get().(*scratch)
	evidence := e.score(s, turns)
	r := e.decide(s.scores, evidence)
	e.pool.Put(s)
	return r
}

// ClassifyText labels a single customer text.
func (e *Engine) ClassifyText(text string) Result {
	turn := [1]record.Turn{{Role: record.RoleCustomer, Text: text}}
	return e.Classify(turn[:])
}

// Scores appends the raw intent scores of a conversation (in Intents
// order) to dst and reports whether any rule fired.
func (e *Engine) Scores(dst []float64, turns []record.Turn) ([]float64, bool) {
	s := e.pool.Get().(*scratch)
	evidence := e.score(s, turns)
	dst = append(dst, s.scores...)
	e.pool.Put(s)
	return dst, evidence
}

// score fills s.scores for a conversation.
func (e *Engine) score(s *scratch, turns []record.Turn) bool {
	clear(s.scores)
	evidence := false
	customer := 0
	for _, t := range turns {
		w := e.agentWeight
		if t.Role != record.RoleAgent {
			w = e.turnWeights[min(customer, len(e.turnWeights)-1)]
			customer++
		}
		if w != 0 && e.scoreTurn(s, t.Text, w) {
			evidence = true
		}
	}
	if evidence {
		for i, b := range e.bias {
			s.scores[i] += b
		}
	}
	return evidence
}

// decide turns scores into a Result with the calibrated softmax.
func (e *Engine) decide(scores []float64, evidence bool) Result {
	top, second := topTwo(scores)
	probTop, probSecond := e.softmaxPair(scores, top, second)
	r := Result{Intent: e.names[top], Category: e.cats[top], Confidence: probTop, Margin: probTop - probSecond}
	if second >= 0 {
		r.RunnerUp = e.names[second]
	}
	if !evidence || scores[top] <= 0 || probTop < e.threshold {
		r.RunnerUp, r.Intent, r.Category = r.Intent, Unknown, ""
	}
	return r
}

// softmaxPair returns the probabilities of intents a and b.
func (e *Engine) softmaxPair(scores []float64, a, b int) (float64, float64) {
	m := scores[a]
	var z float64
	for _, x := range scores {
		z += math.Exp((x - m) / e.temperature)
	}
	pa := 1 / z
	pb := 0.0
	if b >= 0 {
		pb = math.Exp((scores[b]-m)/e.temperature) / z
	}
	return clamp01(pa), clamp01(pb)
}

func topTwo(scores []float64) (int, int) {
	top, second := 0, -1
	for i := 1; i < len(scores); i++ {
		switch {
		case scores[i] > scores[top]:
			top, second = i, top
		case second < 0 || scores[i] > scores[second]:
			second = i
		}
	}
	return top, second
}

func clamp01(p float64) float64 {
	if !(p >= 0) { // NaN too
		return 0
	}
	return min(p, 1)
}
