package report

import (
	"bytes"
	"context"
	"fmt"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// Names of the files Write puts in a job's folder.
const (
	HTMLName = "report.html"
	CardName = "README.md"
)

// Write renders report.html and README.md (the dataset card) for a finished
// job into dir (a key prefix like "job_id=abc/") of st. samples are a few
// accepted conversations (up to about 3 per intent) to show; Write keeps at
// most SamplesPerIntent of each intent.
func Write(ctx context.Context, st store.Store, dir string, m dataset.Manifest, samples []record.Conversation) error {
	page, err := HTML(m, samples)
	if err != nil {
		return err
	}
	card, err := Card(m)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		body []byte
	}{{HTMLName, page}, {CardName, card}} {
		if err := st.Put(ctx, dir+f.name, bytes.NewReader(f.body), int64(len(f.body))); err != nil {
			return fmt.Errorf("report: write %s%s: %w", dir, f.name, err)
		}
	}
	return nil
}
