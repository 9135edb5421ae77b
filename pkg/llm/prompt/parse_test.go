package prompt

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type parseCase struct {
	Name string `yaml:"name"`
	User string `yaml:"user"`
	Want []struct {
		N       int               `yaml:"n"`
		Intent  string            `yaml:"intent"`
		Turns   int               `yaml:"turns"`
		Channel string            `yaml:"channel"`
		Axes    map[string]string `yaml:"axes"`
	} `yaml:"want"`
}

func TestParseRequests(t *testing.T) {
	b, err := os.ReadFile("testdata/requests.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []parseCase
	if err := yaml.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got := ParseRequests(c.User)
			if len(got) != len(c.Want) {
				t.Fatalf("parsed %d requests, want %d: %+v", len(got), len(c.Want), got)
			}
			for i, w := range c.Want {
				want := Requested{N: w.N, Intent: w.Intent, Turns: w.Turns, Channel: w.Channel, Axes: w.Axes}
				if !equalRequested(got[i], want) {
					t.Errorf("request %d = %+v, want %+v", i, got[i], want)
				}
			}
		})
	}
}

func FuzzParseRequests(f *testing.F) {
	tax := defaultTaxonomy(f)
	f.Add(render(f, Options{}, spec(f, tax, "review", 1), spec(f, tax, "complaint", 2)).User)
	f.Add("REQUEST 1: intent=a turns=2 channel=\"x y\" k=\"\\u00e9\" | p")
	f.Add("REQUEST 7: intent= turns=-1 channel=\"")
	f.Fuzz(func(t *testing.T, user string) {
		for _, r := range ParseRequests(user) {
			if r.N < 1 || r.Turns < 1 || r.Intent == "" || r.Channel == "" {
				t.Fatalf("invalid request accepted: %+v", r)
			}
			if strings.ContainsAny(r.Intent, "\n") {
				t.Fatalf("intent spans lines: %q", r.Intent)
			}
		}
	})
}

// Any axis value survives a render and parse round trip.
func FuzzRequestRoundTrip(f *testing.F) {
	tax := defaultTaxonomy(f)
	f.Add("home furniture", `very "upset"`, "chat")
	f.Add("a=b|c", "\n", "")
	f.Add("\\", "é ü", "x\ty")
	f.Fuzz(func(t *testing.T, domain, mood, channel string) {
		s := spec(t, tax, "review", 1)
		s.Axes.Domain, s.Axes.Mood, s.Axes.Channel = domain, mood, channel
		got := ParseRequests(render(t, Options{}, s).User)
		if len(got) != 1 {
			t.Fatalf("parsed %d requests, want 1", len(got))
		}
		want := s.Axes
		if want.Channel == AnyChannel {
			want.Channel = ""
		}
		if got[0].RecordAxes() != want {
			t.Fatalf("axes %+v, want %+v", got[0].RecordAxes(), want)
		}
	})
}
