package prompt

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// The system part must not depend on the call, or prefix caches miss.
func TestSystemIsStatic(t *testing.T) {
	tax := defaultTaxonomy(t)
	first := render(t, Options{}, spec(t, tax, "track_order", 1))
	calls := []struct {
		name  string
		opt   Options
		specs []llm.Spec
	}{
		{"other intent", Options{}, []llm.Spec{spec(t, tax, "complaint", 99)}},
		{"five specs", Options{}, []llm.Spec{
			spec(t, tax, "get_refund", 1), spec(t, tax, "review", 2), spec(t, tax, "place_order", 3),
			spec(t, tax, "get_refund", 4), spec(t, tax, "switch_account", 5),
		}},
		{"no examples", Options{Examples: -1}, []llm.Spec{spec(t, tax, "track_order", 1)}},
		{"many examples", Options{Examples: 9}, []llm.Spec{spec(t, tax, "review", 7)}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			p := render(t, c.opt, c.specs...)
			if p.System != first.System {
				t.Fatal("system part differs between calls")
			}
			for _, s := range c.specs {
				if strings.Contains(p.System, s.Intent.Name) {
					t.Errorf("system part mentions intent %s", s.Intent.Name)
				}
			}
		})
	}
}

// Every requested intent, its description and its axes appear on its
// REQUEST line, in order, and ParseRequests recovers them exactly.
func TestRenderRequests(t *testing.T) {
	tax := defaultTaxonomy(t)
	odd := spec(t, tax, "delivery_period", 3)
	odd.Axes = record.Axes{Channel: "", Domain: "home furniture", Mood: `very "upset"`, Turns: 5}
	noTurns := spec(t, tax, "check_invoice", 4)
	noTurns.Axes.Turns = 0
	noTurns.MinTurns = 3
	cases := []struct {
		name  string
		specs []llm.Spec
		want  []Requested
	}{
		{"one", []llm.Spec{spec(t, tax, "cancel_order", 1)}, []Requested{
			{N: 1, Intent: "cancel_order", Turns: 4, Channel: "email", Axes: map[string]string{
				"age_band": "35_49", "tech_comfort": "low", "mood": "anxious", "tone": "formal", "domain": "pet_supplies"}},
		}},
		{"mixed axes", []llm.Spec{spec(t, tax, "review", 2), odd, noTurns}, []Requested{
			{N: 1, Intent: "review", Turns: 4, Channel: "email", Axes: map[string]string{
				"age_band": "35_49", "tech_comfort": "low", "mood": "anxious", "tone": "formal", "domain": "pet_supplies"}},
			{N: 2, Intent: "delivery_period", Turns: 5, Channel: "any", Axes: map[string]string{
				"mood": `very "upset"`, "domain": "home furniture"}},
			{N: 3, Intent: "check_invoice", Turns: 3, Channel: "email", Axes: map[string]string{
				"age_band": "35_49", "tech_comfort": "low", "mood": "anxious", "tone": "formal", "domain": "pet_supplies"}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := render(t, Options{}, c.specs...)
			got := ParseRequests(p.User)
			if len(got) != len(c.want) {
				t.Fatalf("parsed %d requests, want %d:\n%s", len(got), len(c.want), p.User)
			}
			for i, w := range c.want {
				// Every request states the register and form drawn from
				// its seed and axes.
				st := llm.DrawStyle(c.specs[i].Seed, c.specs[i].Axes)
				w.Axes[AxisRegister], w.Axes[AxisForm] = st.Register, st.Form
				if !equalRequested(got[i], w) {
					t.Errorf("request %d = %+v, want %+v", i+1, got[i], w)
				}
				if !strings.Contains(p.User, c.specs[i].Intent.Description) {
					t.Errorf("user part lacks the description of %s", w.Intent)
				}
			}
			if !strings.Contains(p.User, "Write "+strconv.Itoa(len(c.specs))+" conversation(s)") {
				t.Error("user part does not say how many conversations to write")
			}
		})
	}
}

func TestRecordAxesRoundTrip(t *testing.T) {
	tax := defaultTaxonomy(t)
	s := spec(t, tax, "payment_issue", 8)
	got := ParseRequests(render(t, Options{}, s).User)
	if len(got) != 1 || got[0].RecordAxes() != s.Axes {
		t.Fatalf("RecordAxes = %+v, want %+v", got, s.Axes)
	}
	s.Axes.Channel = ""
	got = ParseRequests(render(t, Options{}, s).User)
	if len(got) != 1 || got[0].RecordAxes() != s.Axes {
		t.Fatalf("RecordAxes without channel = %+v, want %+v", got, s.Axes)
	}
}

func TestRenderErrors(t *testing.T) {
	tax := defaultTaxonomy(t)
	cases := []struct {
		name string
		call llm.Call
	}{
		{"no specs", llm.Call{}},
		{"nil intent", llm.Call{Specs: []llm.Spec{spec(t, tax, "review", 1), {}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Render(c.call, Options{}); !errors.Is(err, ErrInvalidCall) {
				t.Fatalf("err = %v, want ErrInvalidCall", err)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tax := defaultTaxonomy(t)
	pattern := regexp.MustCompile(`^` + regexp.QuoteMeta(Version) + `\+[0-9a-f]{8}$`)
	a := render(t, Options{}, spec(t, tax, "review", 1))
	b := render(t, Options{}, spec(t, tax, "review", 1))
	if a.Version != b.Version || a.User != b.User {
		t.Fatal("equal calls give different prompts")
	}
	if !pattern.MatchString(a.Version) {
		t.Fatalf("version %q does not match %s", a.Version, pattern)
	}
	c := render(t, Options{Examples: 1}, spec(t, tax, "complaint", 1))
	if c.Version == a.Version {
		t.Fatal("different examples, same version")
	}
	lib := LibraryVersion(tax.Intents)
	if !pattern.MatchString(lib) || lib != LibraryVersion(defaultTaxonomy(t).Intents) {
		t.Fatalf("library version %q is not stable or well formed", lib)
	}
	edited := []taxonomy.Intent{tax.Intents[0]}
	if LibraryVersion(edited) == lib {
		t.Fatal("library version ignores which examples exist")
	}
}

// Example header lines must never look like requests.
func TestExamplesAreNotRequests(t *testing.T) {
	tax := defaultTaxonomy(t)
	var specs []llm.Spec
	for i, in := range tax.Names() {
		specs = append(specs, spec(t, tax, in, int64(i)))
	}
	p := render(t, Options{Examples: 20}, specs...)
	if got := len(ParseRequests(p.User)); got != len(specs) {
		t.Fatalf("parsed %d requests, want %d", got, len(specs))
	}
	examples := 0
	for line := range strings.Lines(p.User) {
		if strings.HasPrefix(line, "Example ") {
			examples++
		}
	}
	if examples != 20 {
		t.Fatalf("%d examples shown, want 20", examples)
	}
}

func equalRequested(a, b Requested) bool {
	if a.N != b.N || a.Intent != b.Intent || a.Turns != b.Turns || a.Channel != b.Channel || len(a.Axes) != len(b.Axes) {
		return false
	}
	for k, v := range b.Axes {
		if a.Axes[k] != v {
			return false
		}
	}
	return true
}

// TestRequestStyleVaries checks that register and form are drawn per
// conversation: specs with other seeds get other styles, and the same
// spec always the same one.
func TestRequestStyleVaries(t *testing.T) {
	tax := defaultTaxonomy(t)
	registers, forms := map[string]bool{}, map[string]bool{}
	for seed := int64(1); seed <= 60; seed++ {
		s := spec(t, tax, "cancel_order", seed)
		a := ParseRequests(render(t, Options{}, s).User)
		b := ParseRequests(render(t, Options{}, s).User)
		if len(a) != 1 || a[0].Axes[AxisRegister] == "" || a[0].Axes[AxisForm] == "" {
			t.Fatalf("seed %d: request lacks register or form: %+v", seed, a)
		}
		if !equalRequested(a[0], b[0]) {
			t.Fatalf("seed %d: style differs between renders: %+v vs %+v", seed, a[0], b[0])
		}
		registers[a[0].Axes[AxisRegister]] = true
		forms[a[0].Axes[AxisForm]] = true
	}
	if len(registers) < 4 || len(forms) < 6 {
		t.Errorf("60 conversations drew %d registers and %d forms, want at least 4 and 6", len(registers), len(forms))
	}
}
