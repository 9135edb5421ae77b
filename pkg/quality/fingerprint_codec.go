package quality

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// signatureBytes is the encoded size of a signature: its bit planes, as
// the Index stores them.
const signatureBytes = entryWords * 8

var errSignatureSize = errors.New("quality: fingerprint signature has the wrong size")

// MarshalJSON encodes fp as {"x":<Exact>,"m":"<base64>"}, where m holds
// the signature's bit planes (bit b of every value, SignatureSize bits
// per plane, little-endian words): 48 bytes, about 100 bytes of JSON in
// all. A fingerprint without a full signature has no m.
func (fp Fingerprint) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 100)
	out = append(out, `{"x":`...)
	out = strconv.AppendUint(out, fp.Exact, 10)
	if len(fp.MinHash) == SignatureSize {
		var planes [entryWords]uint64
		slice(fp.MinHash, &planes)
		var raw [signatureBytes]byte
		for i, w := range planes {
			binary.LittleEndian.PutUint64(raw[i*8:], w)
		}
		out = append(out, `,"m":"`...)
		out = base64.RawStdEncoding.AppendEncode(out, raw[:])
		out = append(out, '"')
	}
	return append(out, '}'), nil
}

// UnmarshalJSON decodes what MarshalJSON encodes. It also accepts m as an
// array of SignatureSize numbers, the earlier encoding, keeping the low
// ValueBits bits of each.
func (fp *Fingerprint) UnmarshalJSON(data []byte) error {
	var wire struct {
		X uint64          `json:"x"`
		M json.RawMessage `json:"m"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return fmt.Errorf("quality: decode fingerprint: %w", err)
	}
	sig, err := decodeSignature(wire.M)
	if err != nil {
		return fmt.Errorf("quality: decode fingerprint signature: %w", err)
	}
	*fp = Fingerprint{Exact: wire.X, MinHash: sig}
	return nil
}

// decodeSignature decodes m, nil when absent or null.
func decodeSignature(m json.RawMessage) ([]uint32, error) {
	if len(m) == 0 || string(m) == "null" {
		return nil, nil
	}
	if m[0] == '[' {
		var values []uint32
		if err := json.Unmarshal(m, &values); err != nil {
			return nil, err
		}
		if len(values) != SignatureSize {
			return nil, fmt.Errorf("%d values: %w", len(values), errSignatureSize)
		}
		for i := range values {
			values[i] &= valueMask
		}
		return values, nil
	}
	var text string
	if err := json.Unmarshal(m, &text); err != nil {
		return nil, err
	}
	raw, err := base64.RawStdEncoding.DecodeString(text)
	if err != nil {
		return nil, err
	}
	if len(raw) != signatureBytes {
		return nil, fmt.Errorf("%d bytes: %w", len(raw), errSignatureSize)
	}
	var planes [entryWords]uint64
	for i := range planes {
		planes[i] = binary.LittleEndian.Uint64(raw[i*8:])
	}
	values := make([]uint32, SignatureSize)
	for i := range values {
		values[i] = sliceValue(&planes, i)
	}
	return values, nil
}

// slice stores the low ValueBits bits of sig's values as bit planes:
// bit b of value i is bit i%64 of word b*sigWords+i/64.
func slice(sig []uint32, planes *[entryWords]uint64) {
	*planes = [entryWords]uint64{}
	for i, v := range sig[:SignatureSize] {
		for b := range ValueBits {
			planes[b*sigWords+i/64] |= uint64(v>>b&1) << (i % 64)
		}
	}
}

// sliceValue returns value i of the bit planes.
func sliceValue(planes *[entryWords]uint64, i int) uint32 {
	var v uint32
	for b := range ValueBits {
		v |= uint32(planes[b*sigWords+i/64]>>(i%64)&1) << b
	}
	return v
}
