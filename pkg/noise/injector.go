package noise

import (
	"slices"
	"strings"
)

// An injector index is the position of an injector in the pipeline: Apply
// tries the turn-level injectors in this order, then the per-word typo
// injectors in one pass, then casing.
const (
	iKeyword = iota
	iContraction
	iColloquial
	iAbbreviation
	iTextSpeak
	iPoliteness
	iFiller
	iPunctDrop
	iTypoAdjacent
	iCharDrop
	iCharDuplicate
	iCharTranspose
	iShouting
	iLowercase
	numInjectors
)

// injector describes one kind of noise: its name in profiles and requests,
// the tag it leaves on records, and whether its rate is per word.
type injector struct {
	name    string
	tag     string
	perWord bool
}

// injectors is indexed by the constants above. Tags are "LETTER:name" with
// the Bitext variation letter nearest to the edit (see docs/noise.md).
var injectors = [numInjectors]injector{
	iKeyword:       {name: "keyword_mode", tag: "K:keyword_mode"},
	iContraction:   {name: "contraction", tag: "E:contraction"},
	iColloquial:    {name: "colloquial", tag: "Q:colloquial"},
	iAbbreviation:  {name: "abbreviation", tag: "E:abbreviation"},
	iTextSpeak:     {name: "text_speak", tag: "E:text_speak"},
	iPoliteness:    {name: "politeness", tag: "P:politeness"},
	iFiller:        {name: "filler", tag: "Q:filler"},
	iPunctDrop:     {name: "punct_drop", tag: "Z:punct_drop"},
	iTypoAdjacent:  {name: "typo_adjacent", tag: "Z:typo_adjacent", perWord: true},
	iCharDrop:      {name: "char_drop", tag: "Z:char_drop", perWord: true},
	iCharDuplicate: {name: "char_duplicate", tag: "Z:char_duplicate", perWord: true},
	iCharTranspose: {name: "char_transpose", tag: "Z:char_transpose", perWord: true},
	iShouting:      {name: "shouting", tag: "Z:shouting"},
	iLowercase:     {name: "lowercase", tag: "Z:lowercase"},
}

// tagOrder lists injector indexes sorted by tag, the order Apply reports
// tags in.
var tagOrder = sortedByTag()

func sortedByTag() []int {
	order := make([]int, numInjectors)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(injectors[a].tag, injectors[b].tag) })
	return order
}

// index returns the injector index of name, or -1.
func index(name string) int {
	for i := range injectors {
		if injectors[i].name == name {
			return i
		}
	}
	return -1
}

// Injectors returns the names of all injectors, sorted.
func Injectors() []string {
	names := make([]string, 0, numInjectors)
	for i := range injectors {
		names = append(names, injectors[i].name)
	}
	slices.Sort(names)
	return names
}

// Tag returns the tag that Apply reports for the named injector, and false
// when there is no such injector.
func Tag(name string) (string, bool) {
	if i := index(name); i >= 0 {
		return injectors[i].tag, true
	}
	return "", false
}

// PerWord reports whether the named injector's rate is a per-word
// probability (typo-like injectors) rather than a per-turn one.
func PerWord(name string) bool {
	i := index(name)
	return i >= 0 && injectors[i].perWord
}
