// Package offline is the embedded default LLM backend: it composes
// customer-service conversations from each intent's material (openers,
// details, agent moves, resolutions, closings), the persona and channel
// axes, and fake but safe slot values, with no model and no network.
//
// A conversation depends only on its Spec: the intent, the axes, the turn
// bounds and the seed. The same Spec gives the same turns whatever the
// batching or concurrency of calls.
package offline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Version is the version of the composition code; PromptVersion adds a
// hash of the material.
const Version = "offline-2"

// DefaultModel is the model name reported when a call names none.
const DefaultModel = "synth-v1"

// maxCached bounds the compiled intents kept; the cache starts over when
// it is full (inline taxonomies bring new intents with every job).
const maxCached = 4096

// Config configures a Synth.
type Config struct {
	// Taxonomy is the taxonomy whose material PromptVersion identifies;
	// nil means the built-in default taxonomy. Conversations are always
	// composed from the material of Spec.Intent.
	Taxonomy *taxonomy.Taxonomy
}

// Synth is the offline synthesizer. It is safe for concurrent use.
type Synth struct {
	version  string
	cache    sync.Map // *taxonomy.Intent -> *compiled
	cached   atomic.Int64
	versions sync.Map // *taxonomy.Taxonomy -> string
	nversion atomic.Int64
}

var _ llm.Backend = (*Synth)(nil)

// New returns a synthesizer.
func New(cfg Config) *Synth {
	t := cfg.Taxonomy
	if t == nil {
		t, _ = taxonomy.Default() // the embedded taxonomy is tested to load
	}
	return &Synth{version: Version + "+" + materialHash(t)}
}

func materialHash(t *taxonomy.Taxonomy) string {
	h := sha256.New()
	if t != nil {
		for i := range t.Intents {
			b, _ := json.Marshal(t.Intents[i].Material) // plain data
			fmt.Fprintf(h, "%s\n%s\n", t.Intents[i].Name, b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// Name returns "offline/<model>", with DefaultModel for an empty model.
func (s *Synth) Name(model string) string {
	if model == "" {
		model = DefaultModel
	}
	return "offline/" + model
}

// PromptVersion identifies the composition code and material,
// "offline-2+<hash>".
func (s *Synth) PromptVersion() string { return s.version }

// versionFor is PromptVersion for the material of t (nil: Config's).
// Loaded taxonomies are immutable, so it is kept per pointer.
func (s *Synth) versionFor(t *taxonomy.Taxonomy) string {
	if t == nil {
		return s.version
	}
	if v, ok := s.versions.Load(t); ok {
		return v.(string)
	}
	v := Version + "+" + materialHash(t)
	if s.nversion.Add(1) > maxCached {
		s.versions.Clear()
		s.nversion.Store(1)
	}
	s.versions.Store(t, v)
	return v
}

// Generate composes one draft per Spec. It fails as a whole only when ctx
// is done; a Spec that cannot be composed gets a Draft.Err.
func (s *Synth) Generate(ctx context.Context, call llm.Call) (llm.Result, error) {
	start := time.Now()
	res := llm.Result{Drafts: make([]llm.Draft, len(call.Specs))}
	c := composers.Get().(*composer)
	defer composers.Put(c)
	var prompt, completion int
	for i := range call.Specs {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return llm.Result{}, fmt.Errorf("offline: %w", err)
			}
		}
		sp := &call.Specs[i]
		res.Drafts[i] = s.draft(c, sp)
		if sp.Intent != nil {
			prompt += len(sp.Intent.Name) + len(sp.Intent.Description) + 64
		}
		for _, t := range res.Drafts[i].Turns {
			completion += len(t.Text) + 4
		}
	}
	res.PromptVersion = s.versionFor(call.Taxonomy)
	res.Usage = llm.Usage{
		PromptTokens:     tokens(prompt),
		CompletionTokens: tokens(completion),
		Estimated:        true,
		Seconds:          time.Since(start).Seconds(),
		Calls:            1,
	}
	return res, nil
}

// tokens estimates the tokens of n bytes of English text.
func tokens(n int) int { return (n + 3) / 4 }

// ErrNoIntent is the Draft.Err of a Spec without an intent.
var ErrNoIntent = errors.New("offline: spec has no intent")

func (s *Synth) draft(c *composer, sp *llm.Spec) llm.Draft {
	if sp.Intent == nil {
		return llm.Draft{Err: ErrNoIntent}
	}
	ci, err := s.compiled(sp.Intent)
	if err != nil {
		return llm.Draft{Err: err}
	}
	c.reset(ci, sp.Axes, sp.Seed)
	turns := c.compose(turnCount(sp))
	slices.Sort(c.tags)
	return llm.Draft{Turns: turns, Tags: slices.Clone(c.tags)}
}

// turnCount is the Spec's target clamped to its bounds (a zero bound is
// no bound), and at least 1.
func turnCount(sp *llm.Spec) int {
	n := sp.Axes.Turns
	if sp.MaxTurns > 0 && n > sp.MaxTurns {
		n = sp.MaxTurns
	}
	if n < sp.MinTurns {
		n = sp.MinTurns
	}
	return max(n, 1)
}

type cacheEntry struct {
	ci  *compiled
	err error
}

// compiled returns the intent's compiled material. Intents are keyed by
// pointer: a loaded taxonomy is immutable.
func (s *Synth) compiled(in *taxonomy.Intent) (*compiled, error) {
	if e, ok := s.cache.Load(in); ok {
		return e.(cacheEntry).ci, e.(cacheEntry).err
	}
	ci, err := compileIntent(in)
	if err != nil {
		err = fmt.Errorf("offline: %w", err)
	}
	if s.cached.Add(1) > maxCached {
		s.cache.Clear()
		s.cached.Store(1)
	}
	s.cache.Store(in, cacheEntry{ci, err})
	return ci, err
}

// Check compiles the material of in and reports the first template
// problem (unknown slot, unclosed bracket), for linting taxonomies.
func Check(in *taxonomy.Intent) error {
	_, err := compileIntent(in)
	return err
}
