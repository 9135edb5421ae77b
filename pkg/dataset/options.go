package dataset

import (
	"fmt"

	"github.com/xitongsys/parquet-go/parquet"
)

// Compression codecs Encode accepts.
const (
	CompressionSnappy = "snappy"
	CompressionZstd   = "zstd"
)

// Defaults of Options.
const (
	DefaultPageSize      = 1 << 20
	DefaultRowGroupBytes = 64 << 20
)

// Options tune the Parquet encoding. The zero value is snappy, 1 MiB pages
// and 64 MiB row groups (so a part of a usual batch is a single row group).
type Options struct {
	// Compression is "snappy" (default) or "zstd".
	Compression string
	// PageSize is the target size of a data page in bytes.
	PageSize int64
	// RowGroupBytes is the target size of a row group in bytes.
	RowGroupBytes int64
}

func (o Options) codec() (parquet.CompressionCodec, error) {
	switch o.Compression {
	case "", CompressionSnappy:
		return parquet.CompressionCodec_SNAPPY, nil
	case CompressionZstd:
		return parquet.CompressionCodec_ZSTD, nil
	default:
		return 0, fmt.Errorf("unknown parquet compression %q: use %q or %q", o.Compression, CompressionSnappy, CompressionZstd)
	}
}

func (o Options) pageSize() int64 {
	if o.PageSize > 0 {
		return o.PageSize
	}
	return DefaultPageSize
}

func (o Options) rowGroupBytes() int64 {
	if o.RowGroupBytes > 0 {
		return o.RowGroupBytes
	}
	return DefaultRowGroupBytes
}
