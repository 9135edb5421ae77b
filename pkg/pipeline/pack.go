package pipeline

import (
	"bytes"
	"fmt"
	"sync"

	json "github.com/goccy/go-json"
	"github.com/klauspost/compress/s2"
)

// Record-carrying messages (batches, accepted and rejected records, the
// admission ledger) are written compressed once they are large enough:
// the bus copies and stores a third of the bytes, and the process
// allocates and collects that much less per hop. A compressed body is an
// S2 block, whose first byte (the varint of a length of at least packMin)
// is never the '[' or '{' a JSON body starts with, so readers tell them
// apart and plain JSON bodies stay readable.
const packMin = 512

// packScratch holds the encoder's JSON and S2 buffers between messages,
// so a message allocates only its compressed body.
type packScratch struct {
	json bytes.Buffer
	s2   []byte
}

var packPool = sync.Pool{New: func() any { return new(packScratch) }}

// PackJSON encodes v as JSON, compressed when at least packMin bytes.
func PackJSON(v any) []byte {
	sc := packPool.Get().(*packScratch)
	defer packPool.Put(sc)
	sc.json.Reset()
	if err := json.NewEncoder(&sc.json).Encode(v); err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err))
	}
	b := bytes.TrimSuffix(sc.json.Bytes(), []byte{'\n'})
	if len(b) < packMin {
		return bytes.Clone(b)
	}
	if n := s2.MaxEncodedLen(len(b)); cap(sc.s2) < n {
		sc.s2 = make([]byte, n)
	}
	return bytes.Clone(s2.Encode(sc.s2[:cap(sc.s2)], b))
}

// maxUnpacked bounds the size a packed body may claim, so a corrupt
// length cannot make the reader allocate gigabytes: far above any batch
// (a NATS message is at most a few MiB before compression).
const maxUnpacked = 64 << 20

// unpackPool holds decompression buffers: the JSON decoder copies what
// it keeps, so a buffer is free again once a message is decoded.
var unpackPool = sync.Pool{New: func() any { return new([]byte) }}

// UnpackJSON decodes what packJSON encodes, and plain JSON.
func UnpackJSON(data []byte, v any) error {
	if len(data) == 0 || data[0] < 0x80 {
		return json.Unmarshal(data, v)
	}
	n, err := s2.DecodedLen(data)
	if err != nil {
		return fmt.Errorf("decompress: %w", err)
	}
	if n > maxUnpacked {
		return fmt.Errorf("decompress: body claims %d bytes, more than %d", n, maxUnpacked)
	}
	buf := unpackPool.Get().(*[]byte)
	defer unpackPool.Put(buf)
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	raw, err := s2.Decode((*buf)[:cap(*buf)], data)
	if err != nil {
		return fmt.Errorf("decompress: %w", err)
	}
	return json.Unmarshal(raw, v)
}
