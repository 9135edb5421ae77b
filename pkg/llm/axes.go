package llm

import (
	"math/rand/v2"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Values of the diversity axes DrawAxes draws from. They are recorded on
// every record; treat the slices as read-only.
var (
	AgeBands     = []string{"18_24", "25_34", "35_49", "50_64", "65_plus"}
	TechComforts = []string{"low", "medium", "high"}
	Moods        = []string{"calm", "annoyed", "anxious", "cheerful", "confused", "impatient"}
	Channels     = []string{"chat", "email", "phone"}
	Tones        = []string{"neutral", "formal", "casual", "polite", "terse"}
	Domains      = []string{
		"electronics", "fashion", "groceries", "travel", "software_subscriptions",
		"home_furniture", "beauty", "sports_outdoors", "books_media", "toys_games", "pet_supplies",
	}
)

// DrawAxes draws the diversity axes of one conversation: persona (age
// band, tech comfort, mood), channel, tone, product domain, and a target
// turn count uniform within [minTurns, maxTurns] (maxTurns below minTurns
// means exactly minTurns). The result depends only on rng's state.
func DrawAxes(rng *rand.Rand, minTurns, maxTurns int) record.Axes {
	if maxTurns < minTurns {
		maxTurns = minTurns
	}
	return record.Axes{
		AgeBand:     pick(rng, AgeBands),
		TechComfort: pick(rng, TechComforts),
		Mood:        pick(rng, Moods),
		Channel:     pick(rng, Channels),
		Tone:        pick(rng, Tones),
		Domain:      pick(rng, Domains),
		Turns:       minTurns + rng.IntN(maxTurns-minTurns+1),
	}
}

func pick(rng *rand.Rand, values []string) string { return values[rng.IntN(len(values))] }
