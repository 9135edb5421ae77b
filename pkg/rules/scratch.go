package rules

// scratch holds the buffers of one classification; engines pool them so
// the hot path does not allocate.
type scratch struct {
	lower  []byte  // lowercased text of the turn
	raw    []span  // words of lower
	norm   []byte  // normalized words
	words  []span  // words of norm
	tmp    []byte  // expansion and stemming space
	buf    []byte  // spelling correction space
	ids    []int32 // word ids of the turn, -1 when unknown
	brk    []bool  // clause break before the word
	neg    []bool  // word is inside a negation scope
	scores []float64
}

func newScratch(intents int) *scratch {
	return &scratch{
		lower: make([]byte, 0, 256), norm: make([]byte, 0, 256), tmp: make([]byte, 0, 64),
		buf: make([]byte, 0, 64), raw: make([]span, 0, 64), words: make([]span, 0, 64),
		ids: make([]int32, 0, 64), brk: make([]bool, 0, 64), neg: make([]bool, 0, 64),
		scores: make([]float64, intents),
	}
}
