package eval

import (
	"math"
	"reflect"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScore(t *testing.T) {
	tests := []struct {
		name        string
		truth, pred []string
		acc, macro  float64
		f1          map[string]float64
		confusions  []Confusion
	}{
		{name: "perfect", truth: []string{"a", "b", "a"}, pred: []string{"a", "b", "a"}, acc: 1, macro: 1,
			f1: map[string]float64{"a": 1, "b": 1}},
		{name: "one miss", truth: []string{"a", "a", "b", "b"}, pred: []string{"a", "b", "b", "b"}, acc: 0.75,
			// a: p 1, r 0.5, f 2/3; b: p 2/3, r 1, f 0.8
			macro: (2.0/3 + 0.8) / 2, f1: map[string]float64{"a": 2.0 / 3, "b": 0.8},
			confusions: []Confusion{{True: "a", Predicted: "b", Count: 1}}},
		{name: "prediction outside the truth's labels", truth: []string{"a", "b"}, pred: []string{"x", "b"}, acc: 0.5,
			macro: 0.5, f1: map[string]float64{"a": 0, "b": 1},
			confusions: []Confusion{{True: "a", Predicted: "x", Count: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Score(tt.truth, tt.pred)
			if !near(s.Accuracy, tt.acc) || !near(s.MacroF1, tt.macro) {
				t.Errorf("accuracy %v macro-F1 %v, want %v %v", s.Accuracy, s.MacroF1, tt.acc, tt.macro)
			}
			for l, want := range tt.f1 {
				if got, ok := s.F1Of(l); !ok || !near(got, want) {
					t.Errorf("F1 of %s = %v, want %v", l, got, want)
				}
			}
			if !reflect.DeepEqual(s.Confusions, tt.confusions) {
				t.Errorf("confusions %v, want %v", s.Confusions, tt.confusions)
			}
		})
	}
}

func TestBootstrap(t *testing.T) {
	truth := make([]string, 200)
	a := make([]string, 200)
	for i := range truth {
		truth[i] = []string{"x", "y", "z", "w"}[i%4]
		a[i] = truth[i]
		if i%3 == 0 {
			a[i] = "x" // a third wrong
		}
	}
	same := Bootstrap(truth, a, a, 500, 1)
	if same.MacroF1 != 0 || same.Low != 0 || same.High != 0 || same.Significant {
		t.Errorf("identical predictions: %+v, want a zero interval, not significant", same)
	}
	better := Bootstrap(truth, a, truth, 500, 1)
	if !(better.MacroF1 > 0 && better.Low > 0 && better.Low <= better.MacroF1 && better.MacroF1 <= better.High) || !better.Significant {
		t.Errorf("perfect vs a third wrong: %+v, want a positive significant difference inside its interval", better)
	}
	if worse := Bootstrap(truth, truth, a, 500, 1); !(worse.High < 0) || !worse.Significant || !near(worse.MacroF1, -better.MacroF1) {
		t.Errorf("reversed: %+v", worse)
	}
	if again := Bootstrap(truth, a, truth, 500, 1); again != better {
		t.Errorf("same seed, different interval: %+v vs %+v", again, better)
	}
	// One differing row of 200 cannot be told from noise.
	b := append([]string(nil), a...)
	b[1] = "w"
	if tiny := Bootstrap(truth, a, b, 500, 1); tiny.Significant {
		t.Errorf("one row of difference called significant: %+v", tiny)
	}
}
