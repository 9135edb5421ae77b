package dataset

import (
	"errors"
	"fmt"
	"io"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/source"
)

// scanChunk is how many rows Scan decodes at a time; it bounds memory.
const scanChunk = 512

// Scan reads a Parquet part written by Encode and calls fn for each record
// in order, decoding scanChunk rows at a time. An error from fn stops the
// scan and is returned as is.
func Scan(r io.ReaderAt, size int64, fn func(*record.Conversation) error) error {
	pr, err := reader.NewParquetReader(&readerAtFile{r: r, size: size, sr: io.NewSectionReader(r, 0, size)}, new(row), 1)
	if err != nil {
		return fmt.Errorf("parquet: open: %w", err)
	}
	defer pr.ReadStop()
	total := pr.GetNumRows()
	for done := int64(0); done < total; {
		rows := make([]row, min(scanChunk, total-done))
		if err := pr.Read(&rows); err != nil {
			return fmt.Errorf("parquet: read rows from %d: %w", done, err)
		}
		if len(rows) == 0 {
			return fmt.Errorf("parquet: file ends at row %d of %d", done, total)
		}
		for i := range rows {
			c := rows[i].conversation()
			if err := fn(&c); err != nil {
				return err
			}
		}
		done += int64(len(rows))
	}
	return nil
}

// readerAtFile adapts an io.ReaderAt to the reader's file interface; each
// Open gets its own cursor, as the reader reads columns independently.
type readerAtFile struct {
	r    io.ReaderAt
	size int64
	sr   *io.SectionReader
}

var errReadOnly = errors.New("parquet: read-only source")

func (f *readerAtFile) Open(string) (source.ParquetFile, error) {
	return &readerAtFile{r: f.r, size: f.size, sr: io.NewSectionReader(f.r, 0, f.size)}, nil
}
func (f *readerAtFile) Create(string) (source.ParquetFile, error) { return nil, errReadOnly }
func (f *readerAtFile) Read(p []byte) (int, error)                { return f.sr.Read(p) }
func (f *readerAtFile) Seek(off int64, whence int) (int64, error) { return f.sr.Seek(off, whence) }
func (f *readerAtFile) Write([]byte) (int, error)                 { return 0, errReadOnly }
func (f *readerAtFile) Close() error                              { return nil }
