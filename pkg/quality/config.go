package quality

import (
	"errors"
	"fmt"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// PII policies.
const (
	PIIScrub  = "scrub"
	PIIReject = "reject"
)

// Default length bounds, in characters (runes).
const (
	DefaultMaxTurnChars  = 2000
	DefaultMaxTotalChars = 16000
)

// Config bounds a job's conversations. Zero fields take their defaults
// (record.DefaultMinTurns, record.DefaultMaxTurns, PIIScrub,
// DefaultMaxTurnChars, DefaultMaxTotalChars).
type Config struct {
	MinTurns, MaxTurns int
	// PII is "scrub" or "reject".
	PII string
	// MaxTurnChars bounds the length of one turn, in characters.
	MaxTurnChars int
	// MaxTotalChars bounds the length of all turns together.
	MaxTotalChars int
}

// withDefaults returns cfg with every zero field defaulted.
func (cfg Config) withDefaults() Config {
	if cfg.MinTurns == 0 {
		cfg.MinTurns = record.DefaultMinTurns
	}
	if cfg.MaxTurns == 0 {
		cfg.MaxTurns = max(record.DefaultMaxTurns, cfg.MinTurns)
	}
	if cfg.PII == "" {
		cfg.PII = PIIScrub
	}
	if cfg.MaxTurnChars == 0 {
		cfg.MaxTurnChars = DefaultMaxTurnChars
	}
	if cfg.MaxTotalChars == 0 {
		cfg.MaxTotalChars = DefaultMaxTotalChars
	}
	return cfg
}

// ErrInvalidConfig wraps every configuration problem NewChecker reports.
var ErrInvalidConfig = errors.New("invalid quality config")

// validate reports every problem of a defaulted config at once.
func (cfg Config) validate() error {
	var errs []error
	if cfg.MinTurns < 1 {
		errs = append(errs, fmt.Errorf("MinTurns must be at least 1, got %d", cfg.MinTurns))
	}
	if cfg.MaxTurns < cfg.MinTurns {
		errs = append(errs, fmt.Errorf("MaxTurns (%d) must not be below MinTurns (%d)", cfg.MaxTurns, cfg.MinTurns))
	}
	if cfg.PII != PIIScrub && cfg.PII != PIIReject {
		errs = append(errs, fmt.Errorf("PII policy %q is not one of scrub, reject", cfg.PII))
	}
	if cfg.MaxTurnChars < 1 {
		errs = append(errs, fmt.Errorf("MaxTurnChars must be positive, got %d", cfg.MaxTurnChars))
	}
	if cfg.MaxTotalChars < cfg.MaxTurnChars {
		errs = append(errs, fmt.Errorf("MaxTotalChars (%d) must not be below MaxTurnChars (%d)", cfg.MaxTotalChars, cfg.MaxTurnChars))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(errs...))
}
