package offline

import (
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

func TestCustomIntents(t *testing.T) {
	example := taxonomy.Example{Turns: []record.Turn{
		{Role: record.RoleCustomer, Text: "My warranty card is missing from the box."},
		{Role: record.RoleAgent, Text: "Sorry about that. What's the serial number?"},
		{Role: record.RoleCustomer, Text: "It's SN-0042."},
		{Role: record.RoleAgent, Text: "Thanks, I've registered the warranty for you."},
	}}
	tests := []struct {
		name   string
		intent taxonomy.Intent
		want   string // text the opening turn must contain
	}{
		{name: "examples only", intent: taxonomy.Intent{Name: "warranty_claim", Category: "WARRANTY", Examples: []taxonomy.Example{example}}, want: "warranty card"},
		{name: "description only", intent: taxonomy.Intent{Name: "warranty_claim", Category: "WARRANTY", Description: "The customer wants to claim the warranty of their product."}, want: "I want to claim the warranty of my product."},
		{name: "name only", intent: taxonomy.Intent{Name: "warranty_claim", Category: "WARRANTY"}, want: "warranty claim"},
		{name: "openers only", intent: taxonomy.Intent{Name: "warranty_claim", Category: "WARRANTY", Material: taxonomy.Material{Openers: []string{"I need to claim the warranty on my {product}."}}}, want: "claim the warranty"},
		{name: "own slot", intent: taxonomy.Intent{Name: "warranty_claim", Category: "WARRANTY", Material: taxonomy.Material{
			Openers: []string{"My {gadget} broke, is it under warranty?"}, Slots: map[string][]string{"gadget": {"kettle"}}}}, want: "kettle"},
	}
	s := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := 0
			openings := map[string]bool{}
			for n := 1; n <= 8; n++ {
				for _, ch := range llm.Channels {
					d := generate(t, s, llm.Spec{Intent: &tt.intent, Axes: record.Axes{Channel: ch, Tone: "neutral", Turns: n}, Seed: int64(n)})[0]
					checkShape(t, d, n)
					open := d.Turns[0].Text
					openings[open] = true
					if strings.Contains(open, tt.want) {
						found++
					} else if !strings.Contains(strings.ToLower(open), "warrant") {
						t.Errorf("opening %q is neither the material (%q) nor about the warranty", open, tt.want)
					}
				}
			}
			// The written material is used now and then; the rest are
			// shared forms filled with frames derived from the intent.
			if found == 0 {
				t.Errorf("no opening contains %q", tt.want)
			}
			if len(openings) < 12 {
				t.Errorf("%d distinct openings of 24, want at least 12", len(openings))
			}
		})
	}
}

func TestBrokenMaterial(t *testing.T) {
	tests := []struct {
		name    string
		opener  string
		problem string
	}{
		{name: "unknown slot", opener: "Where is my {parcel_code}?", problem: "unknown slot {parcel_code}"},
		{name: "unclosed slot", opener: "Where is my {order_id", problem: "unclosed '{'"},
		{name: "unclosed choice", opener: "Where is my [order|parcel", problem: "unclosed '['"},
		{name: "nested choice", opener: "Where is my [order|[big|small] parcel]", problem: "nested '['"},
	}
	s := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := taxonomy.Intent{Name: "x", Category: "X", Material: taxonomy.Material{Openers: []string{tt.opener}}}
			d := generate(t, s, llm.Spec{Intent: &in, Axes: record.Axes{Turns: 2}, Seed: 1})[0]
			if d.Err == nil || !strings.Contains(d.Err.Error(), tt.problem) {
				t.Fatalf("Draft.Err = %v, want it to mention %q", d.Err, tt.problem)
			}
			if Check(&in) == nil {
				t.Fatal("Check accepted broken material")
			}
		})
	}
	d := generate(t, s, llm.Spec{Axes: record.Axes{Turns: 2}})[0]
	if d.Err != ErrNoIntent {
		t.Fatalf("spec without intent: Err = %v", d.Err)
	}
}

// FuzzTemplate feeds material text (user-supplied in inline taxonomies)
// to the template compiler and renderer: errors are fine, panics and
// unfilled slots are not.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"Where is {order_id}?", "[a|b|]{name}", "{", "[", "]}", "[{x}|y]", "{product2} [x|{city}]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := taxonomy.Intent{Name: "f", Category: "F", Material: taxonomy.Material{Openers: []string{s}}}
		ci, err := compileIntent(&in)
		if err != nil {
			return
		}
		c := composers.Get().(*composer)
		defer composers.Put(c)
		c.reset(ci, record.Axes{Channel: "chat", Turns: 3}, 1)
		turns := c.compose(3)
		if len(turns) != 3 {
			t.Fatalf("%d turns", len(turns))
		}
	})
}
