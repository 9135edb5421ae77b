package pipeline

import (
	"fmt"

	json "github.com/goccy/go-json"
	"github.com/klauspost/compress/s2"
)

// Messages the bus keeps (the admission ledger, rejected records) are
// written compressed once they are large enough: the bus stores fewer
// bytes, and caches fewer blocks of them in memory. A compressed body is
// an S2 block, whose first byte (the varint of a length of at least
// packMin) is never the '[' or '{' a JSON body starts with, so readers
// tell them apart and plain JSON bodies stay readable.
const packMin = 512

// packJSON encodes v as JSON, compressed when at least packMin bytes.
func packJSON(v any) []byte {
	b := mustJSON(v)
	if len(b) < packMin {
		return b
	}
	return s2.Encode(nil, b)
}

// unpackJSON decodes what packJSON encodes.
func unpackJSON(data []byte, v any) error {
	if len(data) > 0 && data[0] >= 0x80 {
		raw, err := s2.Decode(nil, data)
		if err != nil {
			return fmt.Errorf("decompress: %w", err)
		}
		data = raw
	}
	return json.Unmarshal(data, v)
}
