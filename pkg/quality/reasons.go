package quality

// Rejection reasons. Each names one check; Check and Index.Match return
// them so the validator can count rejections by cause.
const (
	ReasonRoleOrder     = "role_order"
	ReasonTurnCount     = "turn_count"
	ReasonEmptyTurn     = "empty_turn"
	ReasonLength        = "length"
	ReasonPlaceholder   = "placeholder"
	ReasonMetaTalk      = "meta_talk"
	ReasonNotEnglish    = "not_english"
	ReasonSchema        = "schema"
	ReasonPII           = "pii"
	ReasonLowConfidence = "low_confidence"
	ReasonDisagreement  = "label_disagreement"
	ReasonNoiseFlip     = "noise_flip"
	ReasonDuplicate     = "duplicate"
	ReasonNearDuplicate = "near_duplicate"
	ReasonQuotaFull     = "quota_full"
	// ReasonGenerationError: the generator gave up on the slot and sent
	// the record with GenerationError set and no turns.
	ReasonGenerationError = "generation_error"
)
