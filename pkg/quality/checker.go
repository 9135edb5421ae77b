package quality

import (
	"strings"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Checker runs the per-record checks of the quality gate. It holds only
// its configuration, so it is safe for concurrent use.
type Checker struct{ cfg Config }

// NewChecker returns a checker for cfg with zero fields defaulted. It
// reports every configuration problem at once, wrapped in ErrInvalidConfig.
func NewChecker(cfg Config) (*Checker, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Checker{cfg: cfg}, nil
}

// Config returns the checker's configuration with defaults applied.
func (c *Checker) Config() Config { return c.cfg }

// Check rejects a record the generator marked with GenerationError with
// ReasonGenerationError alone. Otherwise it runs the schema, structure,
// placeholder, meta-talk, language and PII checks: the checks of
// CheckForm and of CheckContent. With PII "scrub" it rewrites offending
// text in place and sets PIIScrubbed; that is not a rejection. It returns
// the rejection reasons in a fixed order, each at most once (nil when the
// record passes), and a detail for humans naming the first problem of
// each reason.
func (c *Checker) Check(conv *record.Conversation) (reasons []string, detail string) {
	return c.run(conv, true, true)
}

// CheckContent runs the checks of what the text says: template
// placeholders, meta-talk and PII (scrubbed in place under PII "scrub").
// They belong on the text as generated, before noise: noise can disguise
// a placeholder or meta-talk, and it never adds a digit, an '@' or a
// bracket, so it cannot create what these checks find. Results as Check.
func (c *Checker) CheckContent(conv *record.Conversation) (reasons []string, detail string) {
	return c.run(conv, false, true)
}

// CheckForm runs the checks of the record's shape: schema, structure
// (roles, turns, lengths) and language. They belong on the final text,
// after noise. Results as Check.
func (c *Checker) CheckForm(conv *record.Conversation) (reasons []string, detail string) {
	return c.run(conv, true, false)
}

func (c *Checker) run(conv *record.Conversation, form, content bool) (reasons []string, detail string) {
	if conv.GenerationError != "" {
		return []string{ReasonGenerationError}, "generation failed: " + conv.GenerationError
	}
	var f findings
	if form {
		c.checkForm(conv, &f)
	}
	if content {
		c.checkContent(conv, &f)
	}
	return f.reasons, strings.Join(f.details, "; ")
}

func (c *Checker) checkForm(conv *record.Conversation, f *findings) {
	if err := checkSchema(conv); err != nil {
		f.add(ReasonSchema, err.Error())
	}
	c.checkStructure(conv, f)
	checkEnglish(conv, f)
}

func (c *Checker) checkContent(conv *record.Conversation, f *findings) {
	checkPlaceholders(conv, f)
	checkMetaTalk(conv, f)
	c.checkPII(conv, f)
}

// findings collects reasons, each once, with the detail of its first
// occurrence.
type findings struct {
	reasons []string
	details []string
}

func (f *findings) add(reason, detail string) {
	for _, r := range f.reasons {
		if r == reason {
			return
		}
	}
	f.reasons = append(f.reasons, reason)
	f.details = append(f.details, detail)
}

func (f *findings) has(reason string) bool {
	for _, r := range f.reasons {
		if r == reason {
			return true
		}
	}
	return false
}
