package rules

import (
	"math"
	"testing"
)

var labeled = []Example{
	{Text: "cancel my order please", Label: "cancel_order"},
	{Text: "I want to cancel order 12345678", Label: "cancel_order"},
	{Text: "where is my parcel, track order 12345678", Label: "track_order"},
	{Text: "what is the status of my purchase", Label: "track_order"},
	{Text: "do you accept paypal", Label: "check_payment_methods"},
	{Text: "my payment was declined", Label: "payment_issue"},
	{Text: "reset my password", Label: "recover_password"},
	{Text: "hello", Label: "review"},
}

func TestEvaluate(t *testing.T) {
	e := defaultEngine(t)
	r := e.Evaluate(labeled)
	if r.Examples != len(labeled) {
		t.Errorf("examples %d", r.Examples)
	}
	if math.Abs(r.Accuracy-7.0/8) > 1e-9 {
		t.Errorf("accuracy %v, want 0.875", r.Accuracy)
	}
	if math.Abs(r.AbstainRate-1.0/8) > 1e-9 {
		t.Errorf("abstain rate %v, want 0.125", r.AbstainRate)
	}
	if r.ECE < 0 || r.ECE > 1 || r.MacroF1 <= 0 || r.MacroF1 > 1 {
		t.Errorf("ece %v macro-F1 %v", r.ECE, r.MacroF1)
	}
	if len(r.Confusions) != 1 || r.Confusions[0].Label != "review" || r.Confusions[0].Predicted != Unknown {
		t.Errorf("confusions %+v", r.Confusions)
	}
}

func TestDiagnostics(t *testing.T) {
	e := defaultEngine(t)
	stats := e.Diagnostics(labeled)
	byRule := map[string]RuleStats{}
	for _, s := range stats {
		byRule[s.Intent+"/"+s.Rule] = s
		if s.Coverage <= 0 || s.Coverage > 1 || s.Overlap > s.Coverage || s.Conflict > s.Overlap {
			t.Errorf("inconsistent %+v", s)
		}
	}
	s, ok := byRule["cancel_order/cancel order"]
	if !ok || s.Fires != 2 || s.Accuracy != 1 {
		t.Errorf("cancel order stats %+v", s)
	}
}

func TestCalibrate(t *testing.T) {
	e := defaultEngine(t)
	c, err := e.Calibrate(labeled)
	if err != nil {
		t.Fatal(err)
	}
	if !(c.Temperature > 0) || c.Threshold < 0 || c.Threshold >= 1 {
		t.Errorf("calibration %+v", c)
	}
	if _, err := e.Calibrate([]Example{{Text: "hello", Label: "nope"}}); err == nil {
		t.Error("Calibrate without usable examples succeeded")
	}
}

func TestFitTemperature(t *testing.T) {
	// Scores where the label wins 3 times in 4: the fitted softmax should
	// give the winner about 0.75.
	rows := [][]float64{{2, 0}, {2, 0}, {2, 0}, {0, 2}}
	labels := []int{0, 0, 0, 0}
	temp := fitTemperature(rows, labels)
	p := 1 / (1 + math.Exp(-2/temp))
	if math.Abs(p-0.75) > 0.01 {
		t.Errorf("fitted p(top) = %.3f at T=%.3f, want 0.75", p, temp)
	}
}
