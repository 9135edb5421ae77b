package bus

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Change is one difference between the wanted topology and the server.
type Change struct {
	// Stream is the JetStream stream (the job store's is KV_synthdesk_jobs).
	Stream string
	// Field is the setting that differs, or "stream" for a missing one.
	Field           string
	Actual, Desired string
}

func (c Change) String() string {
	return fmt.Sprintf("%s %s: %s on the server, %s wanted", c.Stream, c.Field, c.Actual, c.Desired)
}

// jobStoreStream is the stream behind the job store.
const jobStoreStream = "KV_" + JobsBucket

// wantedStream is a stream as the topology wants it and the settings of it
// that are compared.
type wantedStream struct {
	cfg    jetstream.StreamConfig
	fields []string
}

var streamFields = []string{"subjects", "retention", "storage", "replicas", "max_age", "max_bytes", "max_msgs", "max_msg_size", "duplicates"}

func (t Topology) wanted() []wantedStream {
	var out []wantedStream
	for _, cfg := range t.streams() {
		out = append(out, wantedStream{cfg: cfg, fields: streamFields})
	}
	kv := t.jobStore()
	out = append(out, wantedStream{
		cfg: jetstream.StreamConfig{
			Name: jobStoreStream, Storage: kv.Storage, Replicas: kv.Replicas,
			MaxAge: kv.TTL, MaxMsgsPerSubject: int64(kv.History),
		},
		fields: []string{"storage", "replicas", "max_age", "history"},
	})
	return out
}

func streamNames() []string {
	var names []string
	for _, cfg := range (Topology{}).streams() {
		names = append(names, cfg.Name)
	}
	return names
}

// compare returns the fields of have that differ from want.
func compare(have, want jetstream.StreamConfig, fields []string) []Change {
	var out []Change
	for _, f := range fields {
		a, d := setting(have, f), setting(want, f)
		if a != d {
			out = append(out, Change{Stream: want.Name, Field: f, Actual: a, Desired: d})
		}
	}
	return out
}

// setting formats one setting of a stream; zero and -1 limits both read
// "unlimited", as the server stores them.
func setting(c jetstream.StreamConfig, field string) string {
	switch field {
	case "subjects":
		s := slices.Clone(c.Subjects)
		slices.Sort(s)
		return strings.Join(s, ",")
	case "retention":
		return c.Retention.String()
	case "storage":
		return c.Storage.String()
	case "replicas":
		return fmt.Sprint(max(c.Replicas, 1))
	case "max_age":
		return duration(c.MaxAge)
	case "duplicates":
		if c.Duplicates == 0 {
			return duration(2 * time.Minute) // the server's default
		}
		return duration(c.Duplicates)
	case "max_bytes":
		return limit(c.MaxBytes)
	case "max_msgs":
		return limit(c.MaxMsgs)
	case "max_msg_size":
		return limit(int64(c.MaxMsgSize))
	case "history":
		return limit(c.MaxMsgsPerSubject)
	}
	return ""
}

func duration(d time.Duration) string {
	if d <= 0 {
		return "unlimited"
	}
	return d.String()
}

func limit(n int64) string {
	if n <= 0 {
		return "unlimited"
	}
	return fmt.Sprint(n)
}
