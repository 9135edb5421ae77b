package parse

import (
	"errors"
	"os"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

type parseCase struct {
	Name    string   `yaml:"name"`
	Intents []string `yaml:"intents"`
	Raw     string   `yaml:"raw"`
	Want    []string `yaml:"want"`
}

var sentinels = map[string]error{
	"ErrNoJSON": ErrNoJSON, "ErrTruncated": ErrTruncated, "ErrWrongShape": ErrWrongShape,
	"ErrMissing": ErrMissing, "ErrOffIntent": ErrOffIntent,
}

func loadCases(t testing.TB) []parseCase {
	b, err := os.ReadFile("testdata/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []parseCase
	if err := yaml.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestForIntents(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			got := ForIntents(tc.Raw, tc.Intents)
			if len(got) != len(tc.Want) {
				t.Fatalf("%d drafts, want %d", len(got), len(tc.Want))
			}
			for i, w := range tc.Want {
				if n, err := strconv.Atoi(w); err == nil {
					if got[i].Err != nil || len(got[i].Turns) != n {
						t.Errorf("draft %d = %d turns, err %v; want %d turns", i, len(got[i].Turns), got[i].Err, n)
					}
					continue
				}
				if !errors.Is(got[i].Err, sentinels[w]) {
					t.Errorf("draft %d err = %v, want %s", i, got[i].Err, w)
				}
			}
		})
	}
}

func TestConversationsCountsAndRoles(t *testing.T) {
	raw := `[{"turns":[{"role":"user","text":"a"},{"role":"assistant","text":"b"}]}]`
	got := Conversations(raw, 3)
	if len(got) != 3 || got[0].Err != nil || got[0].Turns[0].Role != "customer" || got[0].Turns[1].Role != "agent" {
		t.Fatalf("got %+v", got)
	}
	if !errors.Is(got[2].Err, ErrMissing) {
		t.Errorf("draft 2 err = %v, want ErrMissing", got[2].Err)
	}
	if n := len(Conversations(raw, -1)); n != 0 {
		t.Errorf("want -1 gave %d drafts", n)
	}
}

func FuzzForIntents(f *testing.F) {
	for _, tc := range loadCases(f) {
		f.Add(tc.Raw, 2)
	}
	f.Add("```", 1)
	f.Add("[[[[", 3)
	f.Add(`{"conversations":[{"intent":1}]}`, 1)
	f.Fuzz(func(t *testing.T, raw string, want int) {
		want = want % 8
		got := ForIntents(raw, make([]string, max(want, 0)))
		if len(got) != max(want, 0) {
			t.Fatalf("%d drafts for %d asked", len(got), want)
		}
		for _, d := range got {
			if (d.Err == nil) == (len(d.Turns) == 0) {
				t.Fatalf("draft with err %v and %d turns", d.Err, len(d.Turns))
			}
		}
	})
}
