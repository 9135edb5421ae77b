package quality

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestFingerprintJSON(t *testing.T) {
	tests := []struct {
		name string
		fp   Fingerprint
	}{
		{name: "text", fp: NewFingerprint(strings.Join(benchTurns, " "))},
		{name: "wordless", fp: NewFingerprint("?!")},
		{name: "largest exact", fp: Fingerprint{Exact: 1<<64 - 1, MinHash: make([]uint32, SignatureSize)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(tt.fp)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) > 110 {
				t.Fatalf("%d bytes of JSON: %s", len(data), data)
			}
			var got Fingerprint
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if got.Exact != tt.fp.Exact || !slices.Equal(got.MinHash, tt.fp.MinHash) {
				t.Fatalf("round trip of %s changed the fingerprint", data)
			}
		})
	}
}

func TestFingerprintJSONErrors(t *testing.T) {
	tests := []struct {
		name, data string
		size       bool // the error is errSignatureSize
	}{
		{name: "short signature", data: `{"x":1,"m":"AAAA"}`, size: true},
		{name: "short array", data: `{"x":1,"m":[1,2,3]}`, size: true},
		{name: "bad base64", data: `{"x":1,"m":"!!!"}`},
		{name: "exact not a number", data: `{"x":"1"}`},
		{name: "not an object", data: `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fp Fingerprint
			err := json.Unmarshal([]byte(tt.data), &fp)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.size != errors.Is(err, errSignatureSize) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

// TestFingerprintJSONArray reads the earlier encoding, a number array.
func TestFingerprintJSONArray(t *testing.T) {
	want := NewFingerprint("where is my blue kettle")
	values := make([]uint32, SignatureSize)
	for i, v := range want.MinHash {
		values[i] = v | 0xabc0 // bits above ValueBits are dropped
	}
	data, _ := json.Marshal(map[string]any{"x": want.Exact, "m": values})
	var got Fingerprint
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.MinHash, want.MinHash) {
		t.Fatal("array signature decoded differently")
	}
}

// FuzzFingerprintJSON: decoding never panics, and what decodes encodes
// and decodes to the same fingerprint.
func FuzzFingerprintJSON(f *testing.F) {
	data, _ := json.Marshal(NewFingerprint("hello there"))
	f.Add(data)
	f.Add([]byte(`{"x":1,"m":null}`))
	f.Add([]byte(`{"x":1,"m":[1,2]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fp Fingerprint
		if json.Unmarshal(data, &fp) != nil {
			return
		}
		again, err := json.Marshal(fp)
		if err != nil {
			t.Fatal(err)
		}
		var back Fingerprint
		if err := json.Unmarshal(again, &back); err != nil {
			t.Fatalf("%s: %v", again, err)
		}
		if back.Exact != fp.Exact || !slices.Equal(back.MinHash, fp.MinHash) {
			t.Fatalf("%s decoded differently", again)
		}
	})
}
