package offline

import (
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// seedStream is the PCG stream of every conversation; the Spec's seed
// alone selects the sequence.
const seedStream = 0x5eed0ff1

// composer writes one conversation at a time. The PCG, rand.Rand and
// faker share one state, so every draw follows from the seed.
type composer struct {
	pcg      *rand.PCG
	rng      *rand.Rand
	fk       *gofakeit.Faker
	buf      []byte
	vals     []string
	have     []bool
	ci       *compiled
	ax       record.Axes
	products []string
	used     uint64 // details already said in this conversation
	// style is the register and form of the first customer turn, and
	// regIdx, formIdx their indexes in llm.Registers and llm.Forms.
	style           llm.Style
	regIdx, formIdx int
	tags            []string
}

var composers = sync.Pool{New: func() any {
	pcg := rand.NewPCG(0, 0)
	return &composer{pcg: pcg, rng: rand.New(pcg), fk: gofakeit.NewFaker(pcg, false), buf: make([]byte, 0, 512)}
}}

func (c *composer) reset(ci *compiled, ax record.Axes, seed int64) {
	c.pcg.Seed(uint64(seed), seedStream)
	c.ci, c.ax, c.used = ci, ax, 0
	c.style = llm.DrawStyle(seed, ax)
	c.regIdx, c.formIdx = slices.Index(llm.Registers, c.style.Register), slices.Index(llm.Forms, c.style.Form)
	c.tags = nil
	n := len(ci.slots.vals)
	if cap(c.vals) < n {
		c.vals, c.have = make([]string, n), make([]bool, n)
	}
	c.vals, c.have = c.vals[:n], c.have[:n]
	clear(c.have)
	c.products = products[ax.Domain]
	if c.products == nil {
		c.products = allProducts
	}
}

// compose writes n turns: the customer opens, roles alternate, the last
// agent turn resolves and an odd-length conversation ends with the
// customer's thanks.
func (c *composer) compose(n int) []record.Turn {
	turns := make([]record.Turn, n)
	lastAgent := n - 1
	if n%2 == 1 {
		lastAgent = n - 2
	}
	for i := range turns {
		c.buf = c.buf[:0]
		if i%2 == 0 {
			turns[i].Role = record.RoleCustomer
			switch {
			case i == 0:
				c.opening(n)
			case i == n-1:
				c.customerTurn(c.ci.closings, false)
			default:
				c.customerTurn(nil, true)
			}
		} else {
			turns[i].Role = record.RoleAgent
			switch {
			case i == lastAgent:
				c.agentTurn(i, c.ci.resolutions, true)
			case i == 1:
				c.agentTurn(i, c.ci.asks, false)
			default:
				c.agentTurn(i, c.ci.steps, false)
			}
		}
		turns[i].Text = string(c.buf)
	}
	return turns
}

// chance is true with probability pct/100.
func (c *composer) chance(pct int) bool { return c.rng.IntN(100) < pct }

// pickDetail returns a detail not yet said, or -1 when all were.
func (c *composer) pickDetail() int {
	d := c.ci.details
	if len(d) == 0 {
		return -1
	}
	start := c.rng.IntN(len(d))
	for k := range len(d) {
		i := (start + k) % len(d)
		if i >= 64 || c.used&(1<<i) == 0 {
			if i < 64 {
				c.used |= 1 << i
			}
			return i
		}
	}
	return -1
}
