package eval

import "sort"

// IntentScore is one intent's precision, recall and F1 on a test set;
// Support is its number of test rows.
type IntentScore struct {
	Intent    string  `json:"intent"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Confusion counts test rows of intent True predicted as Predicted.
type Confusion struct {
	True      string `json:"true"`
	Predicted string `json:"predicted"`
	Count     int    `json:"count"`
}

// Scores are a classifier's figures on a labeled test set. MacroF1 is the
// unweighted mean of F1 over the intents with test rows.
type Scores struct {
	Rows       int           `json:"rows"`
	Accuracy   float64       `json:"accuracy"`
	MacroF1    float64       `json:"macro_f1"`
	Intents    []IntentScore `json:"intents"`
	Confusions []Confusion   `json:"top_confusions"`
}

// TopConfusions is how many confusion pairs Score keeps.
const TopConfusions = 10

// Score compares predictions with the truth, row by row.
func Score(truth, pred []string) Scores {
	s := Scores{Rows: len(truth)}
	labels := distinct(truth)
	code := make(map[string]int, len(labels))
	for i, l := range labels {
		code[l] = i
	}
	tp := make([]int, len(labels))
	fp := make([]int, len(labels))
	sup := make([]int, len(labels))
	pairs := map[[2]string]int{}
	correct := 0
	for i, t := range truth {
		sup[code[t]]++
		if pred[i] == t {
			tp[code[t]]++
			correct++
			continue
		}
		if c, ok := code[pred[i]]; ok {
			fp[c]++
		}
		pairs[[2]string{t, pred[i]}]++
	}
	if len(truth) > 0 {
		s.Accuracy = float64(correct) / float64(len(truth))
	}
	for i, l := range labels {
		p, r, f := prf(tp[i], fp[i], sup[i])
		s.Intents = append(s.Intents, IntentScore{Intent: l, Precision: p, Recall: r, F1: f, Support: sup[i]})
		s.MacroF1 += f / float64(len(labels))
	}
	for k, n := range pairs {
		s.Confusions = append(s.Confusions, Confusion{True: k[0], Predicted: k[1], Count: n})
	}
	sort.Slice(s.Confusions, func(i, j int) bool {
		a, b := s.Confusions[i], s.Confusions[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.True != b.True {
			return a.True < b.True
		}
		return a.Predicted < b.Predicted
	})
	if len(s.Confusions) > TopConfusions {
		s.Confusions = s.Confusions[:TopConfusions]
	}
	return s
}

// prf is precision, recall and F1 from true positives, false positives
// and support; an undefined ratio is 0.
func prf(tp, fp, support int) (p, r, f float64) {
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if support > 0 {
		r = float64(tp) / float64(support)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// F1Of returns the F1 of intent in s, and whether s has it.
func (s Scores) F1Of(intent string) (float64, bool) {
	for _, is := range s.Intents {
		if is.Intent == intent {
			return is.F1, true
		}
	}
	return 0, false
}
