package eval

import "testing"

func TestDescribe(t *testing.T) {
	texts := []string{"open the door", "Open the door!", "close the window now", "a"}
	d := Describe(texts, 0, 1)
	if d.Texts != 4 || !near(d.UniqueRatio, 0.75) {
		t.Errorf("texts %d unique %v, want 4 and 0.75", d.Texts, d.UniqueRatio)
	}
	// unigrams: 3+3+4+1 = 11, distinct open the door close window now a = 7
	if !near(d.Distinct1, 7.0/11) {
		t.Errorf("distinct-1 %v, want 7/11", d.Distinct1)
	}
	// bigrams: 2+2+3 = 7, distinct: open the, the door, close the, the window, window now = 5
	if !near(d.Distinct2, 5.0/7) {
		t.Errorf("distinct-2 %v, want 5/7", d.Distinct2)
	}
	if !near(d.Distinct3, 3.0/4) {
		t.Errorf("distinct-3 %v, want 3/4", d.Distinct3)
	}
	if d.Words != (Lengths{P10: 1, P50: 3, P90: 4}) || d.Vocabulary != 7 {
		t.Errorf("lengths %+v vocabulary %d", d.Words, d.Vocabulary)
	}
	if s := Describe(texts, 2, 1); s.DistinctTexts != 2 || s.Texts != 4 {
		t.Errorf("sampled distinct-n over %d texts of %d, want 2 of 4", s.DistinctTexts, s.Texts)
	}
	if Describe(nil, 0, 1).Texts != 0 {
		t.Error("empty input")
	}
}

func TestCover(t *testing.T) {
	c := Cover([]string{"track my parcel"}, []string{"track parcel", "parcel lost lost"})
	// real types: track parcel lost -> 2 of 3; tokens: 5, covered 3.
	if !near(c.Types, 2.0/3) || !near(c.Tokens, 3.0/5) {
		t.Errorf("coverage %+v, want types 2/3 tokens 3/5", c)
	}
}

func TestMemorize(t *testing.T) {
	real := []string{
		"my parcel never arrived and nobody answers the phone",
		"where is it",
		"please change the delivery address of my parcel today",
	}
	tests := []struct {
		name           string
		synthetic      string
		verbatim, near int
	}{
		{name: "verbatim up to case and punctuation", synthetic: "My parcel never arrived, and nobody answers the phone!", verbatim: 1, near: 1},
		{name: "near verbatim", synthetic: "my parcel never arrived and nobody answers the phone now", near: 1},
		{name: "short copies do not count", synthetic: "where is it"},
		{name: "different text", synthetic: "I would like to cancel my subscription please"},
		{name: "shares a few 3-grams only", synthetic: "please change the delivery slot for my order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Memorize([]string{tt.synthetic}, real)
			if m.Verbatim != tt.verbatim || m.NearVerbatim != tt.near {
				t.Errorf("verbatim %d near %d, want %d %d (%+v)", m.Verbatim, m.NearVerbatim, tt.verbatim, tt.near, m)
			}
		})
	}
	m := Memorize([]string{"please change the delivery address of my parcel today", "nothing alike here at all"}, real)
	if !near(m.MeanNearest, 0.5) || len(m.Examples) != 1 || m.Examples[0].Real != real[2] {
		t.Errorf("mean nearest %v examples %+v, want 0.5 and the third real text", m.MeanNearest, m.Examples)
	}
}
