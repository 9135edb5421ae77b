// Package taxonomy holds the intents a job can generate and classify: their
// category and description, the rules that recognise them, the material the
// offline synthesizer composes from and the few-shot examples shown to LLMs.
//
// A taxonomy is data. It is read from YAML files whose sections are merged by
// intent name, so rules, material and examples can live in separate files and
// a user can replace or extend any of them without recompiling.
package taxonomy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// Taxonomy is the set of intents of a job. It is immutable once loaded and
// safe for concurrent use.
type Taxonomy struct {
	// Version names the taxonomy for humans; the content hash is Hash.
	Version string `yaml:"version" json:"version"`
	// Extends names a taxonomy this one is merged over ("default" or empty).
	Extends string `yaml:"extends,omitempty" json:"extends,omitempty"`
	// Intents in file order; the order is the order of quotas and reports.
	Intents []Intent `yaml:"intents" json:"intents"`
	// Calibration maps rule scores to probabilities (see package rules).
	Calibration Calibration `yaml:"calibration,omitempty" json:"calibration,omitempty"`

	index map[string]int
}

// Intent is one label of the taxonomy with everything attached to it.
type Intent struct {
	Name        string    `yaml:"name" json:"name"`
	Category    string    `yaml:"category,omitempty" json:"category,omitempty"`
	Description string    `yaml:"description,omitempty" json:"description,omitempty"`
	Rules       RuleSpec  `yaml:"rules,omitempty" json:"rules,omitempty"`
	Material    Material  `yaml:"material,omitempty" json:"material,omitempty"`
	Examples    []Example `yaml:"examples,omitempty" json:"examples,omitempty"`
}

var intentName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Lookup returns the intent called name.
func (t *Taxonomy) Lookup(name string) (*Intent, bool) {
	i, ok := t.index[name]
	if !ok {
		return nil, false
	}
	return &t.Intents[i], true
}

// Names returns the intent names in taxonomy order.
func (t *Taxonomy) Names() []string {
	out := make([]string, len(t.Intents))
	for i := range t.Intents {
		out[i] = t.Intents[i].Name
	}
	return out
}

// Hash is a content hash of the whole taxonomy (16 hex digits); equal
// hashes mean equal rules, material, examples and calibration.
func (t *Taxonomy) Hash() string {
	b, err := json.Marshal(t)
	if err != nil { // a Taxonomy is plain data; Marshal cannot fail on it
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Validate reports every problem of a merged taxonomy at once.
func (t *Taxonomy) Validate() error {
	var errs []error
	if len(t.Intents) == 0 {
		errs = append(errs, errors.New("taxonomy has no intents"))
	}
	seen := map[string]bool{}
	for i, in := range t.Intents {
		where := fmt.Sprintf("intents[%d] (%q)", i, in.Name)
		if !intentName.MatchString(in.Name) {
			errs = append(errs, fmt.Errorf("%s: name must match %s", where, intentName))
		}
		if seen[in.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate intent name", where))
		}
		seen[in.Name] = true
		if in.Category == "" {
			errs = append(errs, fmt.Errorf("%s: category is required", where))
		}
		for j, ex := range in.Examples {
			if err := ex.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("%s: examples[%d]: %w", where, j, err))
			}
		}
	}
	return errors.Join(errs...)
}

func (t *Taxonomy) reindex() {
	t.index = make(map[string]int, len(t.Intents))
	for i := range t.Intents {
		t.index[t.Intents[i].Name] = i
	}
}
