package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

func TestStatsSummary(t *testing.T) {
	s := NewStats()
	for i := range 10 {
		c := conversation(fmt.Sprintf("order %d word%c", i, 'a'+i), "ok")
		c.Confidence = float64(i) / 10
		if i < 3 {
			c.Intent = "cancel_order"
			c.LabelFlags = []string{"disagreement"}
		}
		if i%2 == 0 {
			c.NoiseTags = []string{"typo", "lowercase"}
		}
		if i == 9 {
			c.Confidence = 1
			c.PIIScrubbed = true
			c.Turns = append(c.Turns, record.Turn{Role: record.RoleCustomer, Text: "and more words here"})
		}
		s.Add(c)
	}
	sum := s.Summary()
	checks := []struct {
		name string
		got  any
		want any
	}{
		{name: "records", got: sum.Records, want: int64(10)},
		{name: "track_order", got: sum.Intents["track_order"], want: int64(7)},
		{name: "cancel_order", got: sum.Intents["cancel_order"], want: int64(3)},
		{name: "agreement", got: sum.LabelAgreement, want: 0.7},
		{name: "confidence bins", got: sum.Confidence, want: [ConfidenceBins]int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{name: "turns", got: fmt.Sprint(sum.Turns), want: "map[2:9 3:1]"},
		{name: "turn percentiles", got: sum.TurnsPercentiles, want: Percentiles{P50: 2, P90: 2, P99: 3}},
		{name: "chars p50", got: sum.CustomerChars.P50, want: len("order 1 worda")},
		{name: "chars p99", got: sum.CustomerChars.P99, want: len("order 9 wordj\nand more words here")},
		{name: "typo", got: sum.NoiseTags["typo"], want: int64(5)},
		{name: "flags", got: sum.LabelFlags["disagreement"], want: int64(3)},
		{name: "pii", got: sum.PIIScrubbed, want: int64(1)},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
				t.Fatalf("got %v, want %v", c.got, c.want)
			}
		})
	}
	// 10 records: "order", "#" and 10 distinct "wordX" (+4 more words in
	// one record): 34 unigrams, 16 distinct.
	if want := 16.0 / 34; math.Abs(sum.Distinct1-want) > 0.01 {
		t.Fatalf("distinct-1 %.3f, want %.3f", sum.Distinct1, want)
	}
	if _, err := json.Marshal(sum); err != nil {
		t.Fatal(err)
	}
}

func TestStatsEmpty(t *testing.T) {
	sum := NewStats().Summary()
	if sum.Records != 0 || sum.LabelAgreement != 0 || sum.Distinct1 != 0 || sum.CustomerChars != (Percentiles{}) {
		t.Fatalf("empty summary %+v", sum)
	}
}

func TestHyperLogLogAccuracy(t *testing.T) {
	for _, n := range []int{100, 10_000, 1_000_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var h hyperLogLog
			for i := range n {
				h.add(mix64(uint64(i)))
				h.add(mix64(uint64(i))) // repeats do not count
			}
			if rel := math.Abs(h.estimate()-float64(n)) / float64(n); rel > 0.03 {
				t.Fatalf("estimate %.0f for %d distinct (%.1f%% off)", h.estimate(), n, rel*100)
			}
		})
	}
}
