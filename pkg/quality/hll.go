package quality

import (
	"math"
	"math/bits"
)

// hllPrecision gives 2^14 one-byte registers (16 KiB) and a relative
// standard error of 1.04/sqrt(2^14) = 0.8%.
const hllPrecision = 14

// hyperLogLog estimates the number of distinct 64-bit hashes added, in
// fixed memory, so distinct-n stays bounded however many records a job
// has.
type hyperLogLog struct {
	reg [1 << hllPrecision]uint8
}

// add records a well-mixed 64-bit hash.
func (h *hyperLogLog) add(x uint64) {
	i := x >> (64 - hllPrecision)
	rank := uint8(bits.LeadingZeros64(x<<hllPrecision|1<<(hllPrecision-1))) + 1
	if rank > h.reg[i] {
		h.reg[i] = rank
	}
}

// estimate returns the estimated count, using linear counting while
// registers are still empty, where it is more accurate.
func (h *hyperLogLog) estimate() float64 {
	const m = float64(1 << hllPrecision)
	sum, zeros := 0.0, 0
	for _, r := range h.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		return m * math.Log(m/float64(zeros))
	}
	return e
}
