package record

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// ConversationID is the deterministic id of the conversation produced for
// a job's slot at an attempt: "<job>-<slot>-<attempt>". It is also the
// Nats-Msg-Id of every message carrying the conversation, so a redelivered
// or republished record is recognised as the same record.
func ConversationID(jobID string, slot int64, attempt int32) string {
	return fmt.Sprintf("%s-%07d-%d", jobID, slot, attempt)
}

// SlotSeed derives the seed of one slot attempt from the job seed. It does
// not depend on the job id, so two jobs with the same seed and request
// produce the same conversations.
func SlotSeed(seed int64, slot int64, attempt int32) int64 {
	var b [20]byte
	binary.LittleEndian.PutUint64(b[0:], uint64(seed))
	binary.LittleEndian.PutUint64(b[8:], uint64(slot))
	binary.LittleEndian.PutUint32(b[16:], uint32(attempt))
	sum := sha256.Sum256(b[:])
	return int64(binary.LittleEndian.Uint64(sum[:8]) &^ (1 << 63))
}

// NewJobID returns a job id derived from entropy (16 hex characters).
func NewJobID(entropy []byte) string {
	sum := sha256.Sum256(entropy)
	return "j" + hex.EncodeToString(sum[:7])
}
