package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrRevision is returned by PutJSONAt when the key changed since the
// revision the caller read (or exists, for revision 0).
var ErrRevision = errors.New("job store: key changed since it was read")

// PutJSONAt stores v under key if the key is still at revision rev (0: if
// it does not exist yet) and returns the new revision; ErrRevision if
// another writer got there first.
func (j *Jobs) PutJSONAt(ctx context.Context, key string, v any, rev uint64) (uint64, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	var next uint64
	if rev == 0 {
		next, err = j.kv.Create(ctx, key, b)
	} else {
		next, err = j.kv.Update(ctx, key, b, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return 0, fmt.Errorf("%w: %s", ErrRevision, key)
	}
	if err != nil {
		return 0, fmt.Errorf("job store put %s: %w", key, err)
	}
	return next, nil
}

// Keys lists the keys matching a filter (NATS wildcards) without reading
// their values.
func (j *Jobs) Keys(ctx context.Context, filter string) ([]string, error) {
	lister, err := j.kv.ListKeysFiltered(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("job store list %s: %w", filter, err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	return keys, nil
}
