package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadSample wraps every problem of a real sample file.
var ErrBadSample = errors.New("bad real sample")

// ReadCSV reads labeled texts from a CSV file with a header row, taking
// the text and label from the named columns. Rows with an empty text or
// label are errors naming their line.
func ReadCSV(r io.Reader, textCol, labelCol string) ([]Example, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: the file is empty; it needs a header row with %q and %q columns", ErrBadSample, textCol, labelCol)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSample, err)
	}
	ti, li := -1, -1
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == textCol {
			ti = i
		}
		if h == labelCol {
			li = i
		}
	}
	if ti < 0 || li < 0 {
		missing := textCol
		if ti >= 0 {
			missing = labelCol
		}
		return nil, fmt.Errorf("%w: no column %q; the header has %s (choose with --text-col and --label-col)",
			ErrBadSample, missing, strings.Join(header, ", "))
	}
	var out []Example
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadSample, err)
		}
		line, _ := cr.FieldPos(0)
		if max(ti, li) >= len(rec) {
			return nil, fmt.Errorf("%w: line %d has %d fields, the header %d", ErrBadSample, line, len(rec), len(header))
		}
		x := Example{Text: strings.TrimSpace(rec[ti]), Label: strings.TrimSpace(rec[li])}
		if x.Text == "" || x.Label == "" {
			return nil, fmt.Errorf("%w: line %d has an empty %s", ErrBadSample, line, map[bool]string{true: textCol, false: labelCol}[x.Text == ""])
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no rows under the header", ErrBadSample)
	}
	return out, nil
}
