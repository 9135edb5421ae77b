package eval

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
)

// Example is one labeled text.
type Example struct {
	Text  string
	Label string
}

// Dataset is a named set of synthetic examples; Experiment and Variant are
// the labels its request carried, if any.
type Dataset struct {
	Name       string
	Experiment string
	Variant    string
	Examples   []Example
	// Job holds what the job's manifest says, when there is one.
	Job *JobFigures
}

// JobFigures are what a job's manifest already says about its labels:
// the share of records whose rule label equals the requested intent, and
// the records per rule-confidence tenth.
type JobFigures struct {
	JobID          string  `json:"job_id"`
	LabelAgreement float64 `json:"label_agreement"`
	Confidence     []int64 `json:"confidence_histogram"`
}

// Options configure Evaluate; zero fields take defaults.
type Options struct {
	// Seed drives training order, folds, samples and resamples.
	Seed int64
	// Folds of the real-data cross-validation (default 5).
	Folds int
	// Resamples of the paired bootstrap (default 1000).
	Resamples int
	// MaxTrain caps the synthetic rows a classifier is trained on, which
	// bounds time and memory on big jobs: larger datasets are sampled with
	// the seed (default DefaultMaxTrain; -1 trains on every row).
	MaxTrain int
	// Train configures the classifier; its Seed is Options.Seed.
	Train TrainConfig
}

func (o Options) withDefaults() Options {
	if o.Folds <= 0 {
		o.Folds = 5
	}
	if o.Resamples <= 0 {
		o.Resamples = 1000
	}
	if o.MaxTrain == 0 {
		o.MaxTrain = DefaultMaxTrain
	}
	o.Train.Seed = o.Seed
	return o
}

// DefaultMaxTrain is the default cap on training rows: a 10,000-row job is
// trained on whole, and a million-row one takes seconds, not minutes.
const DefaultMaxTrain = 50_000

// Real describes the real sample an evaluation tested on. Intents are the
// labels evaluated: those of the real sample every dataset also has.
// Missing are real labels no dataset, or not every dataset, has (their rows
// are left out); Unused are dataset intents the real sample lacks (their
// examples are left out of training).
type Real struct {
	// Source names the sample (its file), as the caller gives it.
	Source    string    `json:"source,omitempty"`
	Rows      int       `json:"rows"`
	Evaluated int       `json:"rows_evaluated"`
	Intents   []string  `json:"intents"`
	Missing   []string  `json:"missing_intents,omitempty"`
	Unused    []string  `json:"unused_intents,omitempty"`
	Diversity Diversity `json:"diversity"`
	// Ceiling is the classifier cross-validated on the evaluated rows
	// (out-of-fold predictions of every row).
	Ceiling Scores `json:"ceiling"`
	Folds   int    `json:"folds"`
}

// Result is one dataset's evaluation. TrainRows are the rows the
// classifier was trained on: those of evaluated intents, at most
// Options.MaxTrain. Transfer (trained on the dataset,
// tested on the real rows), Ratio (its macro-F1 over the ceiling's),
// Coverage and Memorization need a real sample; Difference (to the first
// dataset) needs two datasets or more.
type Result struct {
	Name         string        `json:"name"`
	Experiment   string        `json:"experiment,omitempty"`
	Variant      string        `json:"variant,omitempty"`
	Rows         int           `json:"rows"`
	Job          *JobFigures   `json:"job,omitempty"`
	TrainRows    int           `json:"train_rows"`
	Diversity    Diversity     `json:"diversity"`
	Coverage     *Coverage     `json:"coverage,omitempty"`
	Memorization *Memorization `json:"memorization,omitempty"`
	Transfer     *Scores       `json:"transfer,omitempty"`
	Ratio        float64       `json:"ratio,omitempty"`
	Difference   *Difference   `json:"difference_to_first,omitempty"`
}

// Report is a whole evaluation. Text says which synthetic text was used
// (the caller sets it: "first" customer turn or all "customer" turns).
type Report struct {
	Seed    int64    `json:"seed"`
	Text    string   `json:"text,omitempty"`
	Real    *Real    `json:"real,omitempty"`
	Results []Result `json:"datasets"`
}

// ErrNoOverlap means the real sample and the datasets share no intent.
var ErrNoOverlap = errors.New("no intent in common")

// Evaluate measures every dataset against real (nil: diversity only), with
// the same classifier and seed for all, so results compare. Results depend
// on the examples, not their order: a job's parts may hold its records in
// any order.
func Evaluate(real []Example, sets []Dataset, opt Options) (Report, error) {
	opt = opt.withDefaults()
	real = canonical(real)
	sets = slices.Clone(sets)
	for i := range sets {
		sets[i].Examples = canonical(sets[i].Examples)
	}
	rep := Report{Seed: opt.Seed}
	if len(sets) == 0 {
		return rep, errors.New("eval: no dataset given")
	}
	for _, s := range sets {
		if len(s.Examples) == 0 {
			return rep, fmt.Errorf("eval: dataset %s has no rows", s.Name)
		}
	}
	sample := 0
	if len(real) > 0 {
		sample = len(real)
	}
	for _, s := range sets {
		rep.Results = append(rep.Results, Result{Name: s.Name, Experiment: s.Experiment, Variant: s.Variant, Job: s.Job,
			Rows: len(s.Examples), Diversity: Describe(texts(s.Examples), sample, opt.Seed)})
	}
	if len(real) == 0 {
		return rep, nil
	}
	r, test, err := scope(real, sets)
	if err != nil {
		return rep, err
	}
	r.Diversity = Describe(texts(real), 0, opt.Seed)
	r.Folds = opt.Folds
	truth := labels(test)
	r.Ceiling = Score(truth, crossValidate(test, opt))
	rep.Real = r
	keep := setOf(r.Intents)
	var first []string
	for i, s := range sets {
		train := subsample(filter(s.Examples, keep), opt.MaxTrain, opt.Seed)
		res := &rep.Results[i]
		res.TrainRows = len(train)
		cov := Cover(texts(s.Examples), texts(real))
		res.Coverage = &cov
		mem := Memorize(texts(s.Examples), texts(real))
		res.Memorization = &mem
		pred := Train(texts(train), labels(train), opt.Train).PredictAll(texts(test))
		sc := Score(truth, pred)
		res.Transfer = &sc
		if r.Ceiling.MacroF1 > 0 {
			res.Ratio = sc.MacroF1 / r.Ceiling.MacroF1
		}
		if i == 0 {
			first = pred
			continue
		}
		d := Bootstrap(truth, first, pred, opt.Resamples, opt.Seed)
		res.Difference = &d
	}
	return rep, nil
}

// scope picks the real rows to test on: those whose label every dataset
// has.
func scope(real []Example, sets []Dataset) (*Real, []Example, error) {
	common := setOf(labels(real))
	unused := map[string]bool{}
	for _, s := range sets {
		has := setOf(labels(s.Examples))
		for l := range common {
			if !has[l] {
				delete(common, l)
			}
		}
		for l := range has {
			unused[l] = true
		}
	}
	realLabels := setOf(labels(real))
	r := &Real{Rows: len(real)}
	for l := range realLabels {
		if !common[l] {
			r.Missing = append(r.Missing, l)
		}
	}
	for l := range unused {
		if !realLabels[l] {
			r.Unused = append(r.Unused, l)
		}
	}
	sort.Strings(r.Missing)
	sort.Strings(r.Unused)
	if len(common) == 0 {
		return nil, nil, fmt.Errorf("eval: %w between the real sample (%s) and the datasets (%s): check --label-col and that the sample uses the taxonomy's intent names",
			ErrNoOverlap, short(sortedSet(realLabels)), short(r.Unused))
	}
	r.Intents = sortedSet(common)
	test := filter(real, common)
	r.Evaluated = len(test)
	return r, test, nil
}

// crossValidate returns out-of-fold predictions for every example:
// stratified folds, each label's rows shuffled with the seed and dealt
// round-robin.
func crossValidate(xs []Example, opt Options) []string {
	fold := make([]int, len(xs))
	byLabel := map[string][]int{}
	for i, x := range xs {
		byLabel[x.Label] = append(byLabel[x.Label], i)
	}
	rng := rand.New(rand.NewSource(opt.Seed))
	next := 0
	for _, l := range sortedSet(setOf(labels(xs))) {
		rows := byLabel[l]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for _, i := range rows {
			fold[i] = next % opt.Folds
			next++
		}
	}
	pred := make([]string, len(xs))
	for f := 0; f < opt.Folds; f++ {
		var train []Example
		var test []int
		for i, x := range xs {
			if fold[i] == f {
				test = append(test, i)
			} else {
				train = append(train, x)
			}
		}
		if len(test) == 0 || len(train) == 0 {
			continue
		}
		m := Train(texts(train), labels(train), opt.Train)
		for _, i := range test {
			pred[i] = m.Predict(xs[i].Text)
		}
	}
	return pred
}

// subsample returns at most n of xs, drawn with seed, in their order; n < 0
// keeps all.
func subsample(xs []Example, n int, seed int64) []Example {
	if n < 0 || len(xs) <= n {
		return xs
	}
	idx := rand.New(rand.NewSource(seed)).Perm(len(xs))[:n]
	sort.Ints(idx)
	out := make([]Example, n)
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// canonical returns a sorted copy of xs.
func canonical(xs []Example) []Example {
	out := slices.Clone(xs)
	slices.SortStableFunc(out, func(a, b Example) int {
		return cmp.Or(strings.Compare(a.Text, b.Text), strings.Compare(a.Label, b.Label))
	})
	return out
}

func texts(xs []Example) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Text
	}
	return out
}

func labels(xs []Example) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Label
	}
	return out
}

func filter(xs []Example, keep map[string]bool) []Example {
	var out []Example
	for _, x := range xs {
		if keep[x.Label] {
			out = append(out, x)
		}
	}
	return out
}

func setOf(xs []string) map[string]bool {
	s := map[string]bool{}
	for _, x := range xs {
		s[x] = true
	}
	return s
}

func sortedSet(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for x, ok := range s {
		if ok {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// short lists names for an error message, at most eight of them.
func short(names []string) string {
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
