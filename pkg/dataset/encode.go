package dataset

import (
	"fmt"
	"io"
	"reflect"

	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/xitongsys/parquet-go/writer"
)

// Encode writes recs as one Parquet file to w. Memory stays proportional to
// the batch: callers encode one part at a time, usually into a
// bytes.Buffer so the store can upload it with a known size.
func Encode(w io.Writer, recs []record.Conversation, opt Options) error {
	return encode(w, new(row), len(recs), opt, func(i int) any {
		r := toRow(&recs[i])
		return &r
	})
}

// EncodeRejected writes rejected records as one Parquet file to w: the
// columns of Encode plus reasons (LIST<string>) and detail.
func EncodeRejected(w io.Writer, recs []record.Rejected, opt Options) error {
	return encode(w, reflect.New(rejectedType).Interface(), len(recs), opt, func(i int) any {
		r := toRow(&recs[i].Conversation)
		r.Reasons, r.Detail = recs[i].Reasons, recs[i].Detail
		return reflect.ValueOf(r).Convert(rejectedType).Interface()
	})
}

func encode(w io.Writer, schema any, n int, opt Options, rowAt func(int) any) error {
	codec, err := opt.codec()
	if err != nil {
		return err
	}
	pw, err := writer.NewParquetWriterFromWriter(w, schema, 1)
	if err != nil {
		return fmt.Errorf("parquet: create writer: %w", err)
	}
	if _, ok := schema.(*row); ok {
		pw.MarshalFunc = marshalRows
	}
	pw.CompressionType = codec
	pw.PageSize = opt.pageSize()
	pw.RowGroupSize = opt.rowGroupBytes()
	for i := range n {
		if err := pw.Write(rowAt(i)); err != nil {
			return fmt.Errorf("parquet: write row %d: %w", i, err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		return fmt.Errorf("parquet: finish file: %w", err)
	}
	return nil
}
