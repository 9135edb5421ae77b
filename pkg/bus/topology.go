// Package bus is synthdesk's only NATS-aware package: connections, the
// JetStream topology (streams, consumers, the job store), and the runtime
// that turns a stage's Handler into a consumer with acks, retries and dead
// letters. Stage logic never imports it; package pipeline adapts the logic.
package bus

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Subjects. Every JetStream subject is versioned with the record schema.
const (
	// SubjectRequests is served request/reply: a record.Request in, an
	// IntakeReply out.
	SubjectRequests = "synthdesk.v1.requests"
	// SubjectCancel is served request/reply: {"job_id": "..."} in, the
	// job's status out; the stages stop working on the job.
	SubjectCancel = "synthdesk.v1.cancel"
	// SubjectGenerate carries record.Task work items.
	SubjectGenerate = "synthdesk.v1.generate"
	// SubjectClassify carries generated record.Conversation.
	SubjectClassify = "synthdesk.v1.classify"
	// SubjectValidate carries labeled record.Conversation.
	SubjectValidate = "synthdesk.v1.validate"
	// SubjectAccepted prefixes record.Accepted; the last token is the sink
	// partition: synthdesk.v1.accepted.<partition>.
	SubjectAccepted = "synthdesk.v1.accepted"
	// SubjectRejected prefixes record.Rejected, one subject per job:
	// synthdesk.v1.rejected.<job>.
	SubjectRejected = "synthdesk.v1.rejected"
	// SubjectDead prefixes dead letters: synthdesk.v1.dead.<stage>.
	SubjectDead = "synthdesk.v1.dead"
	// SubjectLedger prefixes the validator's admission ledger, one subject
	// per job: synthdesk.v1.ledger.<job>.
	SubjectLedger = "synthdesk.v1.ledger"
)

// Streams and the job store bucket.
const (
	StreamGenerate = "SYNTHDESK_GENERATE"
	StreamClassify = "SYNTHDESK_CLASSIFY"
	StreamValidate = "SYNTHDESK_VALIDATE"
	StreamAccepted = "SYNTHDESK_ACCEPTED"
	StreamRejected = "SYNTHDESK_REJECTED"
	StreamDead     = "SYNTHDESK_DEAD"
	StreamLedger   = "SYNTHDESK_LEDGER"
	JobsBucket     = "synthdesk_jobs"
)

// Headers set on messages.
const (
	HeaderReason    = "Synthdesk-Reason"
	HeaderStage     = "Synthdesk-Stage"
	HeaderSubject   = "Synthdesk-Original-Subject"
	HeaderDelivered = "Synthdesk-Delivered"
)

// AcceptedSubject is the subject of accepted records of a sink partition.
func AcceptedSubject(partition int) string {
	return fmt.Sprintf("%s.%d", SubjectAccepted, partition)
}

// LedgerSubject is the admission ledger subject of a job.
func LedgerSubject(jobID string) string { return SubjectLedger + "." + jobID }

// RejectedSubject is the subject of a job's rejected records.
func RejectedSubject(jobID string) string { return SubjectRejected + "." + jobID }

// DeadSubject is the dead-letter subject of a stage.
func DeadSubject(stage string) string { return SubjectDead + "." + stage }

// Topology says how streams are stored.
type Topology struct {
	// Replicas of every stream (1 on a laptop, 3 in production).
	Replicas int
	// Memory keeps streams in memory instead of files (tests only).
	Memory bool
	// PassThroughInMemory keeps the streams records only pass through
	// (classify, validate, accepted) in memory. For a server that lives
	// and dies with the process, as the embedded one does: files would
	// outlive nothing, and the file store caches every recently written
	// block, several times the records actually waiting. The producers'
	// backpressure bounds what these streams hold.
	PassThroughInMemory bool
	// DuplicateWindow is how long Nats-Msg-Id de-duplication remembers ids.
	DuplicateWindow time.Duration
}

func (t Topology) streams() []jetstream.StreamConfig {
	storage := jetstream.FileStorage
	if t.Memory {
		storage = jetstream.MemoryStorage
	}
	replicas := max(t.Replicas, 1)
	// Every id in the window is kept in the server's memory; outputs
	// republished after it are still harmless (the ledger and the sink
	// recognise records by slot and index), so the window is short.
	dup := t.DuplicateWindow
	if dup == 0 {
		dup = 30 * time.Second
	}
	work := func(name, subject string) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name: name, Subjects: []string{subject}, Retention: jetstream.WorkQueuePolicy,
			Storage: storage, Replicas: replicas, Duplicates: dup,
		}
	}
	passThrough := func(name, subject string) jetstream.StreamConfig {
		cfg := work(name, subject)
		if t.PassThroughInMemory {
			cfg.Storage = jetstream.MemoryStorage
		}
		return cfg
	}
	kept := func(name, subject string, age time.Duration) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name: name, Subjects: []string{subject}, Retention: jetstream.LimitsPolicy,
			Storage: storage, Replicas: replicas, Duplicates: dup, MaxAge: age,
		}
	}
	return []jetstream.StreamConfig{
		work(StreamGenerate, SubjectGenerate),
		passThrough(StreamClassify, SubjectClassify),
		passThrough(StreamValidate, SubjectValidate),
		passThrough(StreamAccepted, SubjectAccepted+".>"),
		kept(StreamRejected, SubjectRejected+".>", 7*24*time.Hour),
		kept(StreamDead, SubjectDead+".>", 14*24*time.Hour),
		kept(StreamLedger, SubjectLedger+".>", 7*24*time.Hour),
	}
}

func (t Topology) jobStore() jetstream.KeyValueConfig {
	storage := jetstream.FileStorage
	if t.Memory {
		storage = jetstream.MemoryStorage
	}
	return jetstream.KeyValueConfig{
		Bucket: JobsBucket, History: 1, Storage: storage, Replicas: max(t.Replicas, 1),
		TTL: 30 * 24 * time.Hour,
	}
}

// ErrNoTopology is returned by Bind when the server holds no synthdesk
// streams or job store.
var ErrNoTopology = errors.New("no synthdesk streams on this server: start the services or run `synthdesk admin topology --apply`")

// ErrNotEnsured is returned by Conn.Jobs before Ensure or Bind.
var ErrNotEnsured = errors.New("bus: topology not ensured; call Conn.Ensure or Conn.Bind first")
