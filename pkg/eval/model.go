package eval

import (
	"math"
	"math/rand"
	"sort"
)

// TrainConfig sets the classifier's training; zero fields take defaults.
type TrainConfig struct {
	// Epochs over the training set (default 8).
	Epochs int
	// LearningRate is Adagrad's step size (default 0.5).
	LearningRate float64
	// Seed orders the examples of every epoch.
	Seed int64
}

func (c TrainConfig) withDefaults() TrainConfig {
	if c.Epochs <= 0 {
		c.Epochs = 8
	}
	if c.LearningRate <= 0 {
		c.LearningRate = 0.5
	}
	return c
}

// Model is a multinomial logistic regression over sublinear TF-IDF word
// 1-2 grams and char 2-5 grams. It is safe for concurrent Predict calls.
type Model struct {
	labels []string
	feat   *featurizer
	// w holds the weights feature-major: w[j*k+c] for feature j, class c.
	w    []float32
	bias []float32
}

// Train fits a model to texts and their labels (same length, at least one
// row). Training is deterministic for a given config and input order.
func Train(texts, labels []string, cfg TrainConfig) *Model {
	cfg = cfg.withDefaults()
	m := &Model{labels: distinct(labels)}
	class := make(map[string]int, len(m.labels))
	for i, l := range m.labels {
		class[l] = i
	}
	raw := make([]map[uint64]float32, len(texts))
	for i, t := range texts {
		raw[i] = counts(t)
	}
	m.feat = fit(raw)
	xs := make([]vector, len(texts))
	for i := range raw {
		xs[i] = m.feat.transform(raw[i])
	}
	k := len(m.labels)
	m.w = make([]float32, m.feat.dims()*k)
	m.bias = make([]float32, k)
	// Adagrad with one accumulator per feature (and per bias): the
	// squared gradient summed over classes.
	g2 := make([]float32, m.feat.dims())
	var b2 float32
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	lr := float32(cfg.LearningRate)
	p := make([]float32, k)
	active := make([]int, 0, k)
	for e := 0; e < cfg.Epochs; e++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			x := xs[n]
			m.probs(x, p)
			p[class[labels[n]]]--
			// Classes with a negligible gradient are skipped: once the
			// model fits an example most of its probabilities are ~0.
			active = active[:0]
			var sq float32
			for c, g := range p {
				if g > 1e-4 || g < -1e-4 {
					active = append(active, c)
					sq += g * g
				}
			}
			if len(active) == 0 {
				continue
			}
			b2 += sq
			step := lr / float32(math.Sqrt(float64(b2)))
			for _, c := range active {
				m.bias[c] -= step * p[c]
			}
			for j, f := range x.idx {
				v := x.val[j]
				g2[f] += sq * v * v
				s := lr * v / float32(math.Sqrt(float64(g2[f])))
				row := m.w[int(f)*k : int(f)*k+k]
				for _, c := range active {
					row[c] -= s * p[c]
				}
			}
		}
	}
	return m
}

// probs writes the class probabilities of x into p.
func (m *Model) probs(x vector, p []float32) {
	k := len(m.labels)
	copy(p, m.bias)
	for j, f := range x.idx {
		row := m.w[int(f)*k : int(f)*k+k]
		v := x.val[j]
		for c := range p {
			p[c] += v * row[c]
		}
	}
	top := p[0]
	for _, s := range p {
		top = max(top, s)
	}
	var sum float32
	for c, s := range p {
		p[c] = float32(math.Exp(float64(s - top)))
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// Labels are the classes the model knows, sorted.
func (m *Model) Labels() []string { return m.labels }

// Predict returns the most probable label of text; ties go to the first
// label in sorted order. A model trained on nothing predicts "".
func (m *Model) Predict(text string) string {
	if len(m.labels) == 0 {
		return ""
	}
	p := make([]float32, len(m.labels))
	m.probs(m.feat.transform(counts(text)), p)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return m.labels[best]
}

// PredictAll predicts every text.
func (m *Model) PredictAll(texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = m.Predict(t)
	}
	return out
}

func distinct(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
