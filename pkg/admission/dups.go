package admission

import "github.com/synthdesk/synthdesk/pkg/quality"

// dupWindow finds duplicates among accepted records: all of the job's,
// or with a window w only recent ones, in two generations of indexes.
// Once the current generation holds w records it becomes the previous one
// and the one before it is dropped, so a record is compared with the last
// w to 2w accepted records and memory stays bounded. The generations
// depend only on the Add sequence, so replaying the ledger rebuilds them.
type dupWindow struct {
	threshold float64
	window    int
	cur, prev *quality.Index
}

func newDupWindow(threshold float64, window int) *dupWindow {
	return &dupWindow{threshold: threshold, window: window, cur: quality.NewIndex(threshold)}
}

// Match is quality.Index.Match over both generations.
func (d *dupWindow) Match(fp quality.Fingerprint) (id, reason string, ok bool) {
	if id, reason, ok = d.cur.Match(fp); ok || d.prev == nil {
		return id, reason, ok
	}
	return d.prev.Match(fp)
}

// Add records an accepted record's fingerprint (without an id: decisions
// need not name the earlier record).
func (d *dupWindow) Add(fp quality.Fingerprint) {
	if d.window > 0 && d.cur.Len() >= d.window {
		d.prev, d.cur = d.cur, quality.NewIndex(d.threshold)
	}
	d.cur.Add("", fp)
}
