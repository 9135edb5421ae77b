package parts

import (
	"slices"

	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// Stats accumulates the quality statistics and report samples of a job's
// parts as they are written or read back, counting each part once. Not
// safe for concurrent use.
type Stats struct {
	quality *quality.Stats
	parts   map[string]bool
	// per bounds the samples kept per intent; count is how many each
	// intent has.
	per     int
	count   map[string]int
	samples []record.Conversation
}

// NewStats returns empty statistics that keep the first samplesPerIntent
// records of each intent as samples.
func NewStats(samplesPerIntent int) *Stats {
	return &Stats{quality: quality.NewStats(), parts: map[string]bool{}, per: samplesPerIntent, count: map[string]int{}}
}

// Has reports whether the part named name is counted.
func (s *Stats) Has(name string) bool { return s.parts[name] }

// Add counts the records of the part named name; a part already counted
// is not counted again.
func (s *Stats) Add(name string, recs []record.Conversation) {
	if s.parts[name] {
		return
	}
	s.parts[name] = true
	for i := range recs {
		s.quality.Add(&recs[i])
		s.sample(&recs[i])
	}
}

func (s *Stats) sample(c *record.Conversation) {
	if s.count[c.Intent] < s.per {
		s.count[c.Intent]++
		s.samples = append(s.samples, *c)
	}
}

// Summary is the quality summary of the records counted.
func (s *Stats) Summary() quality.Summary { return s.quality.Summary() }

// Samples are the samples kept, in the order their parts were counted; a
// copy the caller owns.
func (s *Stats) Samples() []record.Conversation { return slices.Clone(s.samples) }
