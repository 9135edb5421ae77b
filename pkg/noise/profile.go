package noise

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Errors returned by Resolve, wrapped with the offending name or value.
var (
	ErrUnknownProfile  = errors.New("unknown noise profile")
	ErrUnknownInjector = errors.New("unknown noise injector")
	ErrBadRate         = errors.New("noise rate out of range")
)

// Profile is a set of injector rates. Rates maps an injector name (see
// Injectors) to a probability from 0 to 1; a missing injector has rate 0
// and names Apply does not know are ignored.
type Profile struct {
	Name  string
	Rates map[string]float64
}

// presetNames lists the presets in increasing strength.
var presetNames = []string{"none", "light", "realistic", "heavy"}

// presets holds the rates of each preset except none (all zero). Per-word
// rates are small because a 15-word turn rolls them about a dozen times.
var presets = map[string]map[string]float64{
	"light": {
		"typo_adjacent": 0.004, "char_drop": 0.002, "char_duplicate": 0.001, "char_transpose": 0.001,
		"lowercase": 0.15, "shouting": 0, "punct_drop": 0.15,
		"contraction": 0.15, "abbreviation": 0.03, "text_speak": 0.01,
		"colloquial": 0.08, "filler": 0.03, "politeness": 0.05, "keyword_mode": 0.02,
	},
	"realistic": {
		"typo_adjacent": 0.01, "char_drop": 0.005, "char_duplicate": 0.003, "char_transpose": 0.003,
		"lowercase": 0.35, "shouting": 0.01, "punct_drop": 0.35,
		"contraction": 0.25, "abbreviation": 0.08, "text_speak": 0.04,
		"colloquial": 0.2, "filler": 0.1, "politeness": 0.08, "keyword_mode": 0.08,
	},
	"heavy": {
		"typo_adjacent": 0.03, "char_drop": 0.015, "char_duplicate": 0.01, "char_transpose": 0.01,
		"lowercase": 0.5, "shouting": 0.04, "punct_drop": 0.6,
		"contraction": 0.4, "abbreviation": 0.25, "text_speak": 0.15,
		"colloquial": 0.35, "filler": 0.25, "politeness": 0.15, "keyword_mode": 0.15,
	},
}

// Presets returns the names of the presets: none, light, realistic, heavy.
func Presets() []string {
	return append([]string(nil), presetNames...)
}

// Resolve returns the named preset with overrides applied. The returned
// Profile has a rate for every injector. It fails, naming the problem and
// the valid choices, on an unknown profile or injector or a rate outside
// [0, 1].
func Resolve(name string, overrides map[string]float64) (Profile, error) {
	known := false
	for _, p := range presetNames {
		known = known || p == name
	}
	if !known {
		return Profile{}, fmt.Errorf("%w %q: use one of %s", ErrUnknownProfile, name, strings.Join(presetNames, ", "))
	}
	rates := make(map[string]float64, numInjectors)
	for i := range injectors {
		rates[injectors[i].name] = presets[name][injectors[i].name]
	}
	var errs []error
	for _, inj := range sortedKeys(overrides) {
		v := overrides[inj]
		switch {
		case index(inj) < 0:
			errs = append(errs, fmt.Errorf("%w %q: use one of %s", ErrUnknownInjector, inj, strings.Join(Injectors(), ", ")))
		case math.IsNaN(v) || v < 0 || v > 1:
			errs = append(errs, fmt.Errorf("%w: %s is %v, want a value from 0 to 1", ErrBadRate, inj, v))
		default:
			rates[inj] = v
		}
	}
	if len(errs) > 0 {
		return Profile{}, errors.Join(errs...)
	}
	return Profile{Name: name, Rates: rates}, nil
}

func sortedKeys(m map[string]float64) []string {
	return slices.Sorted(maps.Keys(m))
}
