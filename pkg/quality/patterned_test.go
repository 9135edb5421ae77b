package quality

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// patterned writes customer texts the way a template synthesizer does:
// a greeting, one to three sentences from a few frames with slots filled
// from small tables, and a closing. Unrelated texts share frame words, so
// many are 0.3 to 0.7 similar.
type patterned struct{ rng *rand.Rand }

func newPatterned(seed uint64) *patterned {
	return &patterned{rng: rand.New(rand.NewPCG(seed, seed^0x5eed))}
}

var (
	ptGreetings = []string{"hi", "hello", "hello there", "good morning", "hey team", "good evening", "dear support"}
	ptClosings  = []string{"thanks", "thank you", "please help", "thanks a lot", "cheers", "kind regards", "many thanks"}
	ptFrames    = []string{
		"i want to %[1]s my %[2]s %[3]s",
		"can you help me %[1]s the %[2]s %[3]s i bought",
		"how do i %[1]s a %[2]s %[3]s from order %[4]d",
		"is it possible to %[1]s the %[2]s %[3]s on my account",
		"i would like to %[1]s my order of a %[2]s %[3]s",
		"please %[1]s the %[2]s %[3]s for me",
	}
	ptReasons = []string{
		"because it arrived %[1]s", "since the %[2]s looks %[1]s", "as the %[2]s came %[1]s",
		"because my %[2]s is %[1]s", "after the %[2]s turned out %[1]s",
	}
	ptVerbs  = []string{"return", "exchange", "cancel", "track", "repair", "replace", "refund", "resend", "upgrade", "review", "insure", "reorder"}
	ptColors = []string{"red", "blue", "green", "black", "white", "grey", "yellow", "silver", "navy", "pink", "brown", "golden"}
	ptItems  = []string{
		"kettle", "jacket", "lamp", "blender", "backpack", "sofa", "helmet", "toaster", "scarf", "monitor",
		"chair", "printer", "umbrella", "mixer", "tent", "speaker", "wallet", "router", "heater", "camera",
		"mattress", "drill", "watch", "suitcase", "keyboard", "mirror", "bicycle", "vase", "fridge", "tablet",
	}
	ptStates = []string{"broken", "scratched", "late", "damaged", "wet", "dented", "faulty", "too small", "too big", "incomplete", "the wrong colour", "opened"}
	ptParts  = []string{"box", "handle", "screen", "cable", "lid", "strap", "zip", "plug", "wheel", "label", "manual", "battery"}
	ptExtras = []string{
		"i have waited %[1]d days already", "my reference is %[1]d", "the invoice number is %[1]d",
		"i paid by card", "it was a gift for my sister", "i need it before the weekend",
		"this is my second message about it", "the courier left no note",
	}
)

func (p *patterned) pick(list []string) string { return list[p.rng.IntN(len(list))] }

// text returns one customer text.
func (p *patterned) text() string {
	var parts []string
	if p.rng.IntN(3) > 0 {
		parts = append(parts, p.pick(ptGreetings))
	}
	for range 1 + p.rng.IntN(3) {
		s := fmt.Sprintf(p.pick(ptFrames), p.pick(ptVerbs), p.pick(ptColors), p.pick(ptItems), 1000+p.rng.IntN(90000))
		if p.rng.IntN(2) == 0 {
			s += " " + fmt.Sprintf(p.pick(ptReasons), p.pick(ptStates), p.pick(ptParts))
		}
		parts = append(parts, s)
		if p.rng.IntN(3) == 0 {
			parts = append(parts, fmt.Sprintf(p.pick(ptExtras), 1+p.rng.IntN(60)))
		}
	}
	if p.rng.IntN(2) == 0 {
		parts = append(parts, p.pick(ptClosings))
	}
	return strings.Join(parts, ". ")
}

// wordSet is the set of normalized words of text, as NewFingerprint sees
// them.
func wordSet(text string) map[uint64]bool {
	set := map[uint64]bool{}
	tokenHashes(text, func(h uint64) { set[h] = true })
	return set
}

// jaccard is the exact Jaccard similarity of the word sets of a and b.
func jaccard(a, b string) float64 {
	sa, sb := wordSet(a), wordSet(b)
	inter := 0
	for h := range sa {
		if sb[h] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// mutate changes text by replacing, inserting or dropping one to four
// words, stopping before a change that would take its Jaccard similarity
// to text below min.
func (p *patterned) mutate(text string, min float64) string {
	words := strings.Fields(text)
	out := text
	for range 1 + p.rng.IntN(4) {
		next := append([]string(nil), words...)
		i := p.rng.IntN(len(next))
		switch p.rng.IntN(3) {
		case 0:
			next[i] = p.newWord()
		case 1:
			next = append(next[:i], append([]string{p.newWord()}, next[i:]...)...)
		default:
			if len(next) > 1 {
				next = append(next[:i], next[i+1:]...)
			}
		}
		candidate := strings.Join(next, " ")
		if jaccard(text, candidate) < min {
			break
		}
		words, out = next, candidate
	}
	return out
}

// newWord returns a random lowercase word unlikely to be in any text.
func (p *patterned) newWord() string {
	w := make([]byte, 6+p.rng.IntN(5))
	for i := range w {
		w[i] = byte('a' + p.rng.IntN(26))
	}
	return string(w)
}
