package llm

import (
	"math/rand/v2"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// DrawAxes draws the diversity axes of one conversation, its target turn
// count within [minTurns, maxTurns].
func DrawAxes(rng *rand.Rand, minTurns, maxTurns int) record.Axes {
	return record.Axes{Turns: minTurns + rng.IntN(maxTurns-minTurns+1)}
}
