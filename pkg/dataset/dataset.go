// Package dataset turns accepted conversations into the job's files:
// Parquet parts, the manifest and the _SUCCESS marker.
package dataset

import (
	"io"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// Names of a job's files, relative to the job's folder.
const (
	ManifestName = "_manifest.json"
	SuccessName  = "_SUCCESS"
)

// Options tune the Parquet encoding.
type Options struct {
	// Compression is "snappy" (default) or "zstd".
	Compression string
}

// Encode writes recs as one Parquet file to w.
func Encode(w io.Writer, recs []record.Conversation, opt Options) error { return nil }

// Scan reads a Parquet part and calls fn for each record in order.
func Scan(r io.ReaderAt, size int64, fn func(*record.Conversation) error) error { return nil }
