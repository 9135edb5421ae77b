package eval

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
)

// toyIntents is a small hand-written domain: each intent has its verbs and
// objects; the frames are shared, so only the words tell intents apart.
var toyIntents = map[string][2][]string{
	"book_flight": {{"book", "reserve", "buy", "get me"}, {"a flight", "plane tickets", "a seat on the plane", "an airline ticket", "a return flight"}},
	"order_pizza": {{"order", "deliver", "get me", "send"}, {"a pizza", "a large margherita", "two pepperoni pizzas", "a veggie pizza", "some garlic bread"}},
	"set_alarm":   {{"set", "create", "schedule", "add"}, {"an alarm", "a wake-up alarm", "an alarm clock", "a morning alarm", "an alarm for six"}},
	"play_music":  {{"play", "put on", "start", "queue"}, {"some jazz", "my playlist", "a song", "some music", "the radio"}},
}

var toyFrames = []string{"please %s %s", "can you %s %s", "i want you to %s %s now", "%s %s", "could you %s %s for me", "hey, %s %s!"}

// toyCorpus draws n labeled texts; frames [lo, hi) only, so a test set can
// use phrasings the training set never saw.
func toyCorpus(n int, seed int64, lo, hi int) []Example {
	rng := rand.New(rand.NewSource(seed))
	names := []string{"book_flight", "order_pizza", "play_music", "set_alarm"}
	out := make([]Example, n)
	for i := range out {
		l := names[i%len(names)]
		vo := toyIntents[l]
		f := toyFrames[lo+rng.Intn(hi-lo)]
		out[i] = Example{Text: fmt.Sprintf(f, vo[0][rng.Intn(len(vo[0]))], vo[1][rng.Intn(len(vo[1]))]), Label: l}
	}
	return out
}

func TestClassifierLearns(t *testing.T) {
	train := toyCorpus(400, 1, 0, 4)
	test := toyCorpus(200, 2, 4, 6)
	m := Train(texts(train), labels(train), TrainConfig{Seed: 7})
	pred := m.PredictAll(texts(test))
	s := Score(labels(test), pred)
	if s.MacroF1 < 0.9 {
		t.Errorf("macro-F1 %.3f on unseen phrasings, want >= 0.9 (chance is 0.25)", s.MacroF1)
	}
	again := Train(texts(train), labels(train), TrainConfig{Seed: 7}).PredictAll(texts(test))
	if !reflect.DeepEqual(pred, again) {
		t.Error("two trainings with the same seed predict differently")
	}
	if !reflect.DeepEqual(m.Labels(), []string{"book_flight", "order_pizza", "play_music", "set_alarm"}) {
		t.Errorf("labels %v", m.Labels())
	}
}

func TestClassifierTrainedOnNothing(t *testing.T) {
	if got := Train(nil, nil, TrainConfig{}).Predict("anything"); got != "" {
		t.Errorf("Predict = %q, want empty", got)
	}
}

func TestClassifierUsesCharGrams(t *testing.T) {
	train := toyCorpus(400, 1, 0, 6)
	// Misspelled words share char n-grams but no word with training.
	m := Train(texts(train), labels(train), TrainConfig{Seed: 1})
	for text, want := range map[string]string{"pizzza margheritta": "order_pizza", "alarrm clok": "set_alarm", "playlistt": "play_music", "flighht tickets": "book_flight"} {
		if got := m.Predict(text); got != want {
			t.Errorf("Predict(%q) = %s, want %s", text, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	got := Words("Don't CANCEL order #42, ok?  Ünïcode—fine")
	want := []string{"dont", "cancel", "order", "42", "ok", "ünïcode", "fine"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

func TestCountsCharGramsArePadded(t *testing.T) {
	c := counts("ab")
	for _, g := range []string{" a", "ab", "b ", " ab", "ab ", " ab "} {
		if c[key(true, g)] != 1 {
			t.Errorf("char gram %q counted %v times, want 1", g, c[key(true, g)])
		}
	}
	if c[key(false, "ab")] != 1 || len(c) != 7 {
		t.Errorf("counts = %v, want 6 char grams and 1 word", c)
	}
	if counts("a b")[key(false, "a b")] != 1 {
		t.Error("word bigram missing")
	}
}
