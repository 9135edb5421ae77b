package rules

// automaton is an Aho-Corasick automaton over word ids: it finds every
// phrase ending at each word of a turn in one left-to-right pass.
type automaton struct {
	next map[uint64]int32 // (state<<32 | word) -> state
	fail []int32
	out  [][]int32 // phrase ids ending at a state, including via fail links
}

func edge(state int32, word int32) uint64 { return uint64(state)<<32 | uint64(uint32(word)) }

func newAutomaton() *automaton {
	return &automaton{next: map[uint64]int32{}, fail: []int32{0}, out: [][]int32{nil}}
}

// add inserts a phrase (a sequence of word ids) with its id.
func (a *automaton) add(words []int32, id int32) {
	var st int32
	for _, w := range words {
		nx, ok := a.next[edge(st, w)]
		if !ok {
			nx = int32(len(a.fail))
			a.fail = append(a.fail, 0)
			a.out = append(a.out, nil)
			a.next[edge(st, w)] = nx
		}
		st = nx
	}
	a.out[st] = append(a.out[st], id)
}

// build computes fail links breadth first and merges outputs along them.
func (a *automaton) build() {
	children := make([][][2]int32, len(a.fail)) // state -> (word, child)
	for k, c := range a.next {
		p := int32(k >> 32)
		children[p] = append(children[p], [2]int32{int32(uint32(k)), c})
	}
	queue := []int32{0}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		for _, wc := range children[st] {
			w, c := wc[0], wc[1]
			queue = append(queue, c)
			if st == 0 {
				continue
			}
			f := a.fail[st]
			for {
				if nx, ok := a.next[edge(f, w)]; ok {
					a.fail[c] = nx
					break
				}
				if f == 0 {
					break
				}
				f = a.fail[f]
			}
			a.out[c] = append(a.out[c], a.out[a.fail[c]]...)
		}
	}
}

// step moves from state on word w; unknown words (w < 0) go to the root.
func (a *automaton) step(st int32, w int32) int32 {
	if w < 0 {
		return 0
	}
	for {
		if nx, ok := a.next[edge(st, w)]; ok {
			return nx
		}
		if st == 0 {
			return 0
		}
		st = a.fail[st]
	}
}
