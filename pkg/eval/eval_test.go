package eval

import (
	"errors"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Example
		wantErr  string
	}{
		{name: "columns by name", in: "id,intent,text\n1,greet,hello there\n2,bye,\"see you, soon\"\n",
			want: []Example{{Text: "hello there", Label: "greet"}, {Text: "see you, soon", Label: "bye"}}},
		{name: "byte order mark", in: "\ufefftext,intent\nhi,greet\n", want: []Example{{Text: "hi", Label: "greet"}}},
		{name: "empty file", in: "", wantErr: "the file is empty"},
		{name: "header only", in: "text,intent\n", wantErr: "no rows under the header"},
		{name: "missing label column", in: "text,label\nhi,greet\n", wantErr: `no column "intent"; the header has text, label`},
		{name: "missing text column", in: "utterance,intent\nhi,greet\n", wantErr: `no column "text"`},
		{name: "empty label", in: "text,intent\nhi,greet\nyo,\n", wantErr: "line 3 has an empty intent"},
		{name: "short row", in: "intent,x,text\ngreet\n", wantErr: "line 2 has 1 fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV(strings.NewReader(tt.in), "text", "intent")
			if tt.wantErr != "" {
				if !errors.Is(err, ErrBadSample) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrBadSample saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ReadCSV = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	real := toyCorpus(120, 3, 4, 6)
	real = append(real, Example{Text: "what is the weather", Label: "weather"})
	good := Dataset{Name: "good", Variant: "v1", Examples: toyCorpus(400, 1, 0, 4)}
	// poor mislabels two in three pizza rows as music and adds an intent
	// the real sample lacks.
	poor := Dataset{Name: "poor", Examples: toyCorpus(400, 1, 0, 4)}
	n := 0
	for i := range poor.Examples {
		if poor.Examples[i].Label == "order_pizza" {
			if n++; n%3 != 0 {
				poor.Examples[i].Label = "play_music"
			}
		}
	}
	poor.Examples = append(poor.Examples, Example{Text: "tell me a joke", Label: "joke"})
	rep, err := Evaluate(real, []Dataset{good, poor}, Options{Seed: 1, Resamples: 300})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Real
	if r.Rows != 121 || r.Evaluated != 120 || !reflect.DeepEqual(r.Missing, []string{"weather"}) || !reflect.DeepEqual(r.Unused, []string{"joke"}) {
		t.Errorf("real %+v: want 120 of 121 rows, weather missing, joke unused", r)
	}
	if r.Ceiling.MacroF1 < 0.9 || r.Ceiling.Rows != 120 {
		t.Errorf("ceiling %+v", r.Ceiling)
	}
	a, b := rep.Results[0], rep.Results[1]
	if a.Transfer.MacroF1 < 0.9 || a.Difference != nil || a.Variant != "v1" || a.TrainRows != 400 {
		t.Errorf("good dataset: %+v", a)
	}
	if b.TrainRows != 400 || b.Difference == nil || !(b.Difference.MacroF1 < 0) || !b.Difference.Significant {
		t.Errorf("poor dataset: train rows %d, difference %+v; want 400 and a significant drop", b.TrainRows, b.Difference)
	}
	if !near(a.Ratio, a.Transfer.MacroF1/r.Ceiling.MacroF1) || a.Memorization == nil || a.Coverage == nil {
		t.Errorf("ratio %v, memorization %v, coverage %v", a.Ratio, a.Memorization, a.Coverage)
	}
	again, _ := Evaluate(real, []Dataset{good, poor}, Options{Seed: 1, Resamples: 300})
	if !reflect.DeepEqual(rep, again) {
		t.Error("two evaluations with the same seed differ")
	}
	// The same records in another order (as parts written by concurrent
	// sinks hold them) evaluate the same.
	shuffled := good
	shuffled.Examples = append([]Example(nil), good.Examples...)
	rand.New(rand.NewSource(9)).Shuffle(len(shuffled.Examples), func(i, j int) {
		shuffled.Examples[i], shuffled.Examples[j] = shuffled.Examples[j], shuffled.Examples[i]
	})
	reordered, _ := Evaluate(real, []Dataset{shuffled, poor}, Options{Seed: 1, Resamples: 300})
	if !reflect.DeepEqual(rep, reordered) {
		t.Error("the order of a dataset's rows changes the evaluation")
	}
}

func TestEvaluateMaxTrain(t *testing.T) {
	real := toyCorpus(40, 3, 4, 6)
	set := Dataset{Name: "a", Examples: toyCorpus(400, 1, 0, 4)}
	for _, tc := range []struct{ max, want int }{{0, 400}, {-1, 400}, {100, 100}} {
		rep, err := Evaluate(real, []Dataset{set}, Options{Seed: 1, MaxTrain: tc.max})
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Results[0]; r.TrainRows != tc.want || r.Rows != 400 || r.Memorization.Texts != 400 {
			t.Errorf("MaxTrain %d: trained on %d of %d rows (memorization over %d), want %d", tc.max, r.TrainRows, r.Rows, r.Memorization.Texts, tc.want)
		}
	}
}

func TestEvaluateWithoutReal(t *testing.T) {
	rep, err := Evaluate(nil, []Dataset{{Name: "a", Examples: toyCorpus(40, 1, 0, 6)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Real != nil || rep.Results[0].Transfer != nil || rep.Results[0].Diversity.Texts != 40 {
		t.Errorf("diversity only expected: %+v", rep)
	}
}

func TestEvaluateErrors(t *testing.T) {
	toy := toyCorpus(40, 1, 0, 6)
	if _, err := Evaluate([]Example{{Text: "hi", Label: "greet"}}, []Dataset{{Name: "a", Examples: toy}}, Options{}); !errors.Is(err, ErrNoOverlap) {
		t.Errorf("disjoint labels: %v, want ErrNoOverlap", err)
	}
	if _, err := Evaluate(nil, []Dataset{{Name: "empty"}}, Options{}); err == nil || !strings.Contains(err.Error(), "empty has no rows") {
		t.Errorf("empty dataset: %v", err)
	}
}
