package admission

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/synthdesk/synthdesk/pkg/quality"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// memLog is a Log in memory. Its hooks let a test act in the middle of an
// append or fail a replay.
type memLog struct {
	mu   sync.Mutex
	msgs [][]Entry
	// beforeAppend, when set, runs before the n-th append (from 1) checks
	// the expected sequence; its error fails the append.
	beforeAppend func(n int) error
	appends      int
	// replayErr, when set, fails every replay before it gives anything.
	replayErr error
}

func (m *memLog) AppendIfLast(_ context.Context, entries []Entry, last uint64) (uint64, error) {
	m.mu.Lock()
	m.appends++
	n, hook := m.appends, m.beforeAppend
	m.mu.Unlock()
	if hook != nil {
		if err := hook(n); err != nil {
			return 0, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if uint64(len(m.msgs)) != last {
		return 0, fmt.Errorf("append after %d, log ends at %d: %w", last, len(m.msgs), ErrConflict)
	}
	m.msgs = append(m.msgs, entries)
	return uint64(len(m.msgs)), nil
}

func (m *memLog) Replay(_ context.Context, after uint64, fn func(uint64, []Entry) error) error {
	m.mu.Lock()
	msgs, err := m.msgs, m.replayErr
	m.mu.Unlock()
	if err != nil {
		return err
	}
	for i := after; i < uint64(len(msgs)); i++ {
		if err := fn(i+1, msgs[i]); err != nil {
			return fmt.Errorf("seq %d: %w", i+1, err)
		}
	}
	return nil
}

// put appends a message as another writer would, regardless of sequence.
func (m *memLog) put(entries []Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, entries)
}

// sizes is the number of entries of each message.
func (m *memLog) sizes() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]int, len(m.msgs))
	for i, msg := range m.msgs {
		out[i] = len(msg)
	}
	return out
}

// entries is every stored entry in order.
func (m *memLog) entries() []Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Entry
	for _, msg := range m.msgs {
		out = append(out, msg...)
	}
	return out
}

// recs returns records of intent "a" for slots from, from+1, ..., each
// with its own text unless texts names one.
func recs(from, n int, texts ...string) []record.Conversation {
	out := make([]record.Conversation, n)
	for i := range out {
		slot := int64(from + i)
		text := textOf(slot)
		if i < len(texts) && texts[i] != "" {
			text = texts[i]
		}
		out[i] = record.Conversation{ConversationID: record.ConversationID("j", slot, 0), JobID: "j", Slot: slot,
			RequestedIntent: "a", Intent: "a", Turns: []record.Turn{{Role: record.RoleCustomer, Text: text}}}
	}
	return out
}

// textOf is twelve random words of letters, seeded by slot: distinct
// texts, never near duplicates (normalization folds digits, so the words
// differ in letters).
func textOf(slot int64) string {
	rng := rand.New(rand.NewPCG(uint64(slot), 7))
	text := ""
	for range 12 {
		word := make([]byte, 6)
		for k := range word {
			word[k] = byte('a' + rng.IntN(26))
		}
		text += string(word) + " "
	}
	return text
}

// passed is no reasons for each of n records.
func passed(n int) [][]string { return make([][]string, n) }

// answer is what one Submit's done got.
type answer struct {
	tag string
	es  []Entry
	err error
}

// collector gathers the answers of several submits in the order they come.
type collector struct {
	mu  sync.Mutex
	got []answer
	ch  chan struct{}
}

func newCollector() *collector { return &collector{ch: make(chan struct{}, 1024)} }

func (c *collector) done(tag string) func([]Entry, error) {
	return func(es []Entry, err error) {
		c.mu.Lock()
		c.got = append(c.got, answer{tag: tag, es: es, err: err})
		c.mu.Unlock()
		c.ch <- struct{}{}
	}
}

// wait returns the first n answers, failing the test after a deadline.
func (c *collector) wait(t *testing.T, n int) []answer {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for range n {
		select {
		case <-c.ch:
		case <-deadline:
			t.Fatalf("only %d of %d submits answered", len(c.got), n)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]answer(nil), c.got...)
}

func newTestWriter(t *testing.T, cfg Config, log Log) *Writer {
	t.Helper()
	w := NewWriter(cfg, log, nil)
	if err := w.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return w
}

// holdFirstAppend makes the log's first append wait until release is
// closed, and closes entered when it starts waiting.
func holdFirstAppend(log *memLog) (entered, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	log.beforeAppend = func(n int) error {
		if n == 1 {
			close(entered)
			<-release
		}
		return nil
	}
	return entered, release
}

// TestWriterGroupsSubmits submits one record, and while its append is in
// flight more submits: they are decided and appended together, answered
// in the order they were made, each with its records' decisions in order.
func TestWriterGroupsSubmits(t *testing.T) {
	tests := []struct {
		name string
		// later are the sizes of the submits made during the first append.
		later     []int
		wantSizes []int
	}{
		{name: "one submit alone", later: nil, wantSizes: []int{1}},
		{name: "submits during a commit join the next one", later: []int{2, 3, 1}, wantSizes: []int{1, 6}},
		{name: "a queue longer than a group is split", later: []int{maxGroup - 2, 5}, wantSizes: []int{1, maxGroup, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &memLog{}
			w := newTestWriter(t, Config{Quotas: []record.Quota{{Intent: "a", Count: 10000}}, RetryBudget: 10, NearDuplicate: 1}, log)
			entered, release := holdFirstAppend(log)
			col := newCollector()
			submitted := map[string][]record.Conversation{"first": recs(0, 1)}
			w.Submit(context.Background(), submitted["first"], passed(1), col.done("first"))
			<-entered
			tags := []string{"first"}
			next := 1
			for i, n := range tt.later {
				tag := fmt.Sprint("later-", i)
				submitted[tag] = recs(next, n)
				next += n
				w.Submit(context.Background(), submitted[tag], passed(n), col.done(tag))
				tags = append(tags, tag)
			}
			close(release)
			got := col.wait(t, len(tags))
			for i, a := range got {
				if a.tag != tags[i] {
					t.Fatalf("answer %d is for %s, want %s", i, a.tag, tags[i])
				}
				checkAnswer(t, a, submitted[a.tag])
			}
			if sizes := log.sizes(); !reflect.DeepEqual(sizes, tt.wantSizes) {
				t.Errorf("message sizes %v, want %v", sizes, tt.wantSizes)
			}
		})
	}
}

// checkAnswer checks that every record was accepted and the decisions are
// in the records' order with contiguous indexes.
func checkAnswer(t *testing.T, a answer, convs []record.Conversation) {
	t.Helper()
	if a.err != nil || len(a.es) != len(convs) {
		t.Fatalf("%s: %d decisions, error %v; want %d", a.tag, len(a.es), a.err, len(convs))
	}
	for i, e := range a.es {
		if e.Kind != KindAccept || e.ID != convs[i].ConversationID || e.Index != a.es[0].Index+int64(i) {
			t.Fatalf("%s: decision %d is %+v for %s", a.tag, i, e, convs[i].ConversationID)
		}
	}
}

// TestWriterRedeliveredRecords gets the stored decisions back for records
// decided before, by this writer or another, and appends nothing.
func TestWriterRedeliveredRecords(t *testing.T) {
	log := &memLog{}
	cfg := Config{Quotas: []record.Quota{{Intent: "a", Count: 10}}, RetryBudget: 10, NearDuplicate: 1}
	first := newTestWriter(t, cfg, log)
	convs := recs(0, 3)
	want, err := first.Decide(context.Background(), convs, [][]string{nil, {quality.ReasonPlaceholder}, nil})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []*Writer{first, newTestWriter(t, cfg, log)} {
		got, err := w.Decide(context.Background(), convs, passed(3))
		if err != nil || !reflect.DeepEqual(brief(got), brief(want)) {
			t.Fatalf("redelivered: %v %v, want %v", brief(got), err, brief(want))
		}
	}
	if sizes := log.sizes(); !reflect.DeepEqual(sizes, []int{3}) {
		t.Errorf("message sizes %v, want one message of 3", sizes)
	}
}

// brief is what a decision tells its record: kind, index and reasons.
func brief(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprint(e.ID, " ", e.Kind, " ", e.Index, " ", e.Reasons)
	}
	return out
}

// TestWriterConflict lets another writer append while a writer's append is
// in flight: the writer meets a conflict, reloads and decides again, and
// ends with the decisions and the log a single writer deciding the other's
// records first would have.
func TestWriterConflict(t *testing.T) {
	dup := "where is my parcel it was due on monday and still nothing has arrived at my door"
	tests := []struct {
		name   string
		quota  int
		theirs []record.Conversation
		ours   []record.Conversation
	}{
		{name: "their accepts take the first indexes", quota: 10, theirs: recs(0, 2), ours: recs(2, 2)},
		{name: "their accepts fill the quota and seal", quota: 3, theirs: recs(0, 3), ours: recs(3, 2)},
		{name: "their text makes ours a duplicate", quota: 10, theirs: recs(0, 1, dup), ours: recs(1, 2, "", dup)},
		{name: "their decision of the same record stands", quota: 10, theirs: recs(0, 2), ours: recs(1, 2)},
		{name: "ours resolve the last slots and seal", quota: 4, theirs: recs(0, 2), ours: recs(2, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Quotas: []record.Quota{{Intent: "a", Count: tt.quota}}, RetryBudget: 10, NearDuplicate: 0.85}
			log := &memLog{}
			ours, theirs := newTestWriter(t, cfg, log), newTestWriter(t, cfg, log)
			log.beforeAppend = func(n int) error {
				if n == 1 { // ours, decided on the empty log
					if _, err := theirs.Decide(context.Background(), tt.theirs, passed(len(tt.theirs))); err != nil {
						return err
					}
				}
				return nil
			}
			got, err := ours.Decide(context.Background(), tt.ours, passed(len(tt.ours)))
			if err != nil {
				t.Fatal(err)
			}

			single := &memLog{}
			w := newTestWriter(t, cfg, single)
			if _, err := w.Decide(context.Background(), tt.theirs, passed(len(tt.theirs))); err != nil {
				t.Fatal(err)
			}
			want, err := w.Decide(context.Background(), tt.ours, passed(len(tt.ours)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decisions after the conflict:\n%+v\nwant\n%+v", got, want)
			}
			if !reflect.DeepEqual(log.entries(), single.entries()) {
				t.Errorf("log after the conflict:\n%+v\nwant\n%+v", log.entries(), single.entries())
			}
			if log.appends != 3 {
				t.Errorf("%d appends, want 3: ours, theirs, ours again after the conflict", log.appends)
			}
			if ours.Sealed() != w.Sealed() {
				t.Errorf("sealed %v, want %v", ours.Sealed(), w.Sealed())
			}
		})
	}
}

// TestWriterErrorsReachEveryWaiter fails the log in several ways while
// several submits wait: each of them gets the error.
func TestWriterErrorsReachEveryWaiter(t *testing.T) {
	errBroken := errors.New("log broken")
	tests := []struct {
		name  string
		fault func(log *memLog, entered, release chan struct{})
		want  error
	}{
		{name: "append fails", want: errBroken, fault: func(log *memLog, entered, release chan struct{}) {
			log.beforeAppend = func(n int) error {
				if n == 1 {
					close(entered)
					<-release
				}
				return errBroken
			}
		}},
		{name: "reload after a conflict fails", want: errBroken, fault: func(log *memLog, entered, release chan struct{}) {
			log.beforeAppend = func(n int) error {
				if n == 1 {
					close(entered)
					<-release
				}
				log.mu.Lock()
				log.replayErr = errBroken
				log.mu.Unlock()
				log.put(nil)
				return nil
			}
		}},
		{name: "every append meets a conflict", want: ErrContention, fault: func(log *memLog, entered, release chan struct{}) {
			log.beforeAppend = func(n int) error {
				if n == 1 {
					close(entered)
					<-release
				}
				log.put(nil)
				return nil
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &memLog{}
			w := newTestWriter(t, Config{Quotas: []record.Quota{{Intent: "a", Count: 100}}, RetryBudget: 10, NearDuplicate: 1}, log)
			entered, release := make(chan struct{}), make(chan struct{})
			tt.fault(log, entered, release)
			col := newCollector()
			w.Submit(context.Background(), recs(0, 2), passed(2), col.done("first"))
			<-entered
			w.Submit(context.Background(), recs(2, 3), passed(3), col.done("second"))
			w.Submit(context.Background(), recs(5, 1), passed(1), col.done("third"))
			close(release)
			for _, a := range col.wait(t, 3) {
				if !errors.Is(a.err, tt.want) || a.es != nil {
					t.Errorf("%s: %d decisions, error %v; want %v", a.tag, len(a.es), a.err, tt.want)
				}
			}
		})
	}
}

// TestWriterObserves calls the observer with the state after loading and
// after each append.
func TestWriterObserves(t *testing.T) {
	log := &memLog{}
	log.put([]Entry{{Kind: KindAccept, ID: "j-0-0", Slot: 0, Requested: "a", Intent: "a", Index: 0}})
	var seen []int64
	w := NewWriter(Config{Quotas: []record.Quota{{Intent: "a", Count: 3}}, RetryBudget: 10, NearDuplicate: 1}, log,
		func(l *Ledger) { seen = append(seen, l.Accepted()) })
	if err := w.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Decide(context.Background(), recs(1, 2), passed(2)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []int64{1, 3}) || !w.Sealed() {
		t.Errorf("observed accepted %v, sealed %v; want [1 3], sealed", seen, w.Sealed())
	}
	var seal Entry
	w.View(func(l *Ledger) { seal = l.SealEntry() })
	if seal.Kind != KindSeal || seal.Accepted != 3 {
		t.Errorf("seal %+v, want 3 accepted", seal)
	}
}
