package generate

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/llm/offline"
	"github.com/synthdesk/synthdesk/pkg/plan"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

func job(t *testing.T, b llm.Backend, seed int64) Job {
	t.Helper()
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := &record.Request{Samples: 40}
	r.ApplyDefaults()
	return Job{ID: "j1", Seed: seed, Request: r, Taxonomy: tax, Backend: b, Model: "synth-v1", PerCall: 8}
}

func task(t *testing.T, j Job) record.Task {
	t.Helper()
	slots := plan.Slots(plan.Quotas(40, j.Taxonomy.Names(), nil), j.Request.Split, j.Seed)
	return plan.Tasks(j.ID, slots, 40)[0]
}

func TestFillIsDeterministicPerSlot(t *testing.T) {
	g := &Generator{Now: func() time.Time { return time.Unix(0, 0) }}
	j := job(t, offline.New(offline.Config{}), 7)
	a, _, err := g.Fill(context.Background(), j, task(t, j))
	if err != nil {
		t.Fatal(err)
	}
	j.PerCall = 1 // batching must not change content
	b, _, err := g.Fill(context.Background(), j, task(t, j))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i].CustomerText() != b[i].CustomerText() || a[i].ConversationID != b[i].ConversationID {
			t.Fatalf("slot %d differs between batchings", a[i].Slot)
		}
		if a[i].RequestedIntent != task(t, j).Slots[i].Intent || len(a[i].Turns) < 2 || a[i].Generator != "offline/synth-v1" {
			t.Errorf("slot %d: %+v", a[i].Slot, a[i])
		}
	}
	other := job(t, offline.New(offline.Config{}), 8)
	c, _, _ := g.Fill(context.Background(), other, task(t, other))
	if c[0].CustomerText() == a[0].CustomerText() && c[1].CustomerText() == a[1].CustomerText() {
		t.Error("another seed gave the same conversations")
	}
}

// flaky fails the first tries of every spec with a draft error.
type flaky struct {
	llm.Backend
	fails int
	calls int
}

func (f *flaky) Generate(ctx context.Context, call llm.Call) (llm.Result, error) {
	f.calls++
	res, err := f.Backend.Generate(ctx, call)
	if f.calls <= f.fails {
		for i := range res.Drafts {
			res.Drafts[i] = llm.Draft{Err: errors.New("unparseable")}
		}
	}
	return res, err
}

func TestFillRetriesUnusableDraftsThenReportsThem(t *testing.T) {
	tests := []struct {
		name       string
		fails      int
		wantFailed bool
	}{
		{name: "recovers within the retries", fails: 2, wantFailed: false},
		{name: "reports the slot after the retries", fails: 100, wantFailed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &flaky{Backend: offline.New(offline.Config{}), fails: tt.fails}
			j := job(t, b, 1)
			j.PerCall = 100
			out, _, err := (&Generator{Retries: 2}).Fill(context.Background(), j, task(t, j))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range out {
				if failed := c.GenerationError != ""; failed != tt.wantFailed {
					t.Fatalf("slot %d: generation error %q", c.Slot, c.GenerationError)
				}
				if c.GenerationError != "" && len(c.Turns) != 0 {
					t.Fatalf("a failed slot carries turns")
				}
			}
		})
	}
}

// short answers its first call with only the first draft, as a model that
// skips requests does, and every later call in full.
type short struct {
	llm.Backend
	asked []int
}

func (s *short) Generate(ctx context.Context, call llm.Call) (llm.Result, error) {
	s.asked = append(s.asked, len(call.Specs))
	res, err := s.Backend.Generate(ctx, call)
	if len(s.asked) == 1 {
		res.Drafts = res.Drafts[:1]
	}
	return res, err
}

func TestFillAsksAgainForWhatAShortAnswerLeftOut(t *testing.T) {
	b := &short{Backend: offline.New(offline.Config{})}
	j := job(t, b, 3)
	j.PerCall = 5
	tk := task(t, j)
	tk.Slots = tk.Slots[:5]
	out, _, err := (&Generator{Retries: 2}).Fill(context.Background(), j, tk)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range out {
		if c.GenerationError != "" || len(c.Turns) == 0 {
			t.Fatalf("slot %d not filled: %q", c.Slot, c.GenerationError)
		}
	}
	if len(b.asked) != 2 || b.asked[1] != 4 {
		t.Errorf("calls asked for %v conversations, want [5 4]", b.asked)
	}
	if want := offline.Version + "+"; out[0].PromptVersion[:len(want)] != want {
		t.Errorf("prompt_version %q", out[0].PromptVersion)
	}
}

// TestFillCopiesDraftTags checks that the tags of a draft (the offline
// synthesizer's forms and registers) reach the record.
func TestFillCopiesDraftTags(t *testing.T) {
	g := &Generator{}
	j := job(t, offline.New(offline.Config{}), 7)
	convs, _, err := g.Fill(context.Background(), j, task(t, j))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range convs {
		if len(c.NoiseTags) == 0 {
			t.Fatalf("slot %d: no tags from the draft", c.Slot)
		}
	}
}
