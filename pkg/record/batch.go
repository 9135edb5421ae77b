package record

// Batch is the message from the generator to the classifier and from the
// classifier to the validator: the conversations of one generator task, in
// the task's slot order. Carrying a task's records together costs the bus
// one message per task instead of one per record.
type Batch struct {
	JobID         string         `json:"job_id"`
	Conversations []Conversation `json:"conversations"`
}

// ID is the batch's Nats-Msg-Id: the id of its first conversation. Every
// slot attempt is filled by exactly one task, so the first one names the
// batch, and a republished batch carries the same id.
func (b *Batch) ID() string {
	if len(b.Conversations) == 0 {
		return b.JobID + "-empty"
	}
	return b.Conversations[0].ConversationID
}
