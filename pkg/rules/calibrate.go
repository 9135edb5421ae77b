package rules

import (
	"errors"
	"math"
	"slices"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// ThresholdQuantile is the share of correct predictions of the labeled set
// that the fitted threshold may turn into abstentions.
const ThresholdQuantile = 0.005

// MaxThreshold caps the fitted threshold.
const MaxThreshold = 0.9

// Calibrate fits the engine's calibration on labeled examples and returns
// it (the engine is unchanged): the temperature minimizes the negative
// log-likelihood of the labels (temperature scaling), and the threshold is
// set just under the confidence of all but ThresholdQuantile of the
// correct predictions, so the engine abstains on the weakest guesses.
// Other calibration fields are kept. Examples whose label is not an intent
// of the engine are skipped.
func (e *Engine) Calibrate(examples []Example) (taxonomy.Calibration, error) {
	index := map[string]int{}
	for i, n := range e.names {
		index[n] = i
	}
	var rows [][]float64
	var labels []int
	for _, ex := range examples {
		li, ok := index[ex.Label]
		if !ok {
			continue
		}
		sc, evidence := e.Scores(nil, []record.Turn{{Role: record.RoleCustomer, Text: ex.Text}})
		if !evidence {
			continue
		}
		rows, labels = append(rows, sc), append(labels, li)
	}
	if len(rows) == 0 {
		return taxonomy.Calibration{}, errors.New("rules: calibrate: no example has a known label and some rule evidence")
	}
	c := e.tax.Calibration
	c.Temperature = round(fitTemperature(rows, labels), 4)
	c.Threshold = round(fitThreshold(rows, labels, c.Temperature), 4)
	return c, nil
}

// fitTemperature minimizes the mean NLL over log-temperature by golden
// section search; the NLL is unimodal in the temperature.
func fitTemperature(rows [][]float64, labels []int) float64 {
	lo, hi := math.Log(0.01), math.Log(100)
	g := (math.Sqrt(5) - 1) / 2
	for range 100 {
		a, b := hi-g*(hi-lo), lo+g*(hi-lo)
		if nll(rows, labels, math.Exp(a)) < nll(rows, labels, math.Exp(b)) {
			hi = b
		} else {
			lo = a
		}
	}
	return math.Exp((lo + hi) / 2)
}

func nll(rows [][]float64, labels []int, t float64) float64 {
	var sum float64
	for i, sc := range rows {
		m := slices.Max(sc)
		var z float64
		for _, x := range sc {
			z += math.Exp((x - m) / t)
		}
		sum += math.Log(z) - (sc[labels[i]]-m)/t
	}
	return sum / float64(len(rows))
}

func fitThreshold(rows [][]float64, labels []int, t float64) float64 {
	var correct []float64
	for i, sc := range rows {
		top, _ := topTwo(sc)
		if top != labels[i] {
			continue
		}
		m := sc[top]
		var z float64
		for _, x := range sc {
			z += math.Exp((x - m) / t)
		}
		correct = append(correct, 1/z)
	}
	if len(correct) == 0 {
		return 0
	}
	slices.Sort(correct)
	return min(math.Floor(correct[int(ThresholdQuantile*float64(len(correct)))]*100)/100, MaxThreshold)
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
