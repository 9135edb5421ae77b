package record

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// hostile are requests a service must refuse, each with the text its
// error must contain (the field or the problem).
var hostile = []struct {
	name, body, want string
}{
	{"null", `null`, "must be a JSON object"},
	{"array", `[{"samples": 10}]`, "must be a JSON object"},
	{"string", `"samples"`, "must be a JSON object"},
	{"number", `42`, "must be a JSON object"},
	{"empty body", ``, "empty or cut short"},
	{"cut short", `{"samples": 10`, "empty or cut short"},
	{"samples zero", `{"samples": 0}`, "samples: must be at least 1, got 0"},
	{"samples negative", `{"samples": -5}`, "samples: must be at least 1, got -5"},
	{"samples null", `{"samples": null}`, "samples: must be at least 1, got null"},
	{"samples string", `{"samples": "10"}`, "samples: expected an integer, got JSON string"},
	{"samples float", `{"samples": 1.5}`, "samples: expected an integer, got JSON number 1.5"},
	{"samples huge", `{"samples": 1e30}`, "samples: expected an integer"},
	{"field in other case", `{"SAMPLES": 0}`, "SAMPLES: unknown field"},
	{"object expected", `{"llm": "openai"}`, "llm: expected an object, got JSON string"},
	{"unknown top field", `{"sample": 10}`, "sample: unknown field"},
	{"unknown nested field", `{"llm": {"modle": "x"}}`, "llm.modle: unknown field"},
	{"unknown deep field", `{"quality": {"pii": "scrub", "dedup": 3}}`, "quality.dedup: unknown field"},
	{"trailing data", `{"samples": 10} {"samples": 20}`, "trailing data"},
	{"wrong map value", `{"labels": {"team": 7}}`, "labels: expected a string, got JSON number"},
	{"syntax", `{"samples": 10,}`, "malformed JSON"},
	{"oversized", `{"taxonomy": "` + strings.Repeat("x", MaxRequestBytes) + `"}`, "over the limit of 1048576"},
}

func TestDecodeRequestRefusesHostileBodies(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeRequest([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted %.80q", tc.body)
			}
			if !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("error %v does not wrap ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestDecodeRequestKeepsDefaultsForOmittedFields(t *testing.T) {
	tests := []struct {
		name, body string
		samples    int
	}{
		{"empty object", `{}`, DefaultSamples},
		{"whitespace around", " \n{}\t", DefaultSamples},
		{"samples given", `{"samples": 25}`, 25},
		{"other fields only", `{"labels": {"team": "search"}, "llm": {"backend": "offline"}}`, DefaultSamples},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecodeRequest([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			r.ApplyDefaults()
			if r.Samples != tc.samples {
				t.Errorf("samples %d, want %d", r.Samples, tc.samples)
			}
			if err := r.Validate(Limits{}, nil); err != nil {
				t.Errorf("defaulted request refused: %v", err)
			}
		})
	}
}

func TestValidateBoundsStrings(t *testing.T) {
	long := strings.Repeat("a", MaxStringBytes+1)
	many := map[string]string{}
	for i := range MaxMapEntries + 1 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	tests := []struct {
		name  string
		edit  func(*Request)
		field string
	}{
		{"2 MB label value", func(r *Request) { r.Labels = map[string]string{"team": strings.Repeat("x", 2<<20)} }, "labels.team: is 2097152 bytes"},
		{"label value just over", func(r *Request) { r.Labels = map[string]string{"team": long} }, "labels.team: is 257 bytes"},
		{"long model", func(r *Request) { r.LLM.Model = long }, "llm.model: is 257 bytes"},
		{"long intent name", func(r *Request) { r.Intents = map[string]float64{long: 1} }, "intents: a key is 257 bytes"},
		{"too many labels", func(r *Request) { r.Labels = many }, "labels: has 1001 entries"},
		{"long output", func(r *Request) { r.Output = "/" + strings.Repeat("d", 4096) }, "output: is 4097 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r Request
			r.ApplyDefaults()
			tc.edit(&r)
			err := r.Validate(Limits{}, []string{long, "refund"})
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %v does not name %q", err, tc.field)
			}
			if !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("error does not wrap ErrInvalidRequest")
			}
		})
	}
	var r Request
	r.ApplyDefaults()
	r.Labels = map[string]string{"team": strings.Repeat("x", MaxStringBytes)}
	r.Output = "/data/" + strings.Repeat("d", 1000)
	if err := r.Validate(Limits{}, nil); err != nil {
		t.Errorf("strings at their limits refused: %v", err)
	}
}

// FuzzDecodeRequest feeds arbitrary bodies to the decoder and the
// validator: nothing panics, every refusal wraps ErrInvalidRequest with a
// message, and an accepted request validates without panicking.
func FuzzDecodeRequest(f *testing.F) {
	for _, tc := range hostile {
		if len(tc.body) < 4096 {
			f.Add([]byte(tc.body))
		}
	}
	for _, s := range []string{
		`{}`, `{"samples": 100, "seed": 7}`,
		`{"samples": 10, "intents": {"refund": 1, "": -1}}`,
		`{"output": "../evil"}`, `{"output": "s3://"}`, `{"job_id": "../../x"}`,
		`{"llm": {"temperature": null, "top_p": 1e309}}`,
		`{"labels": {"a": "b"}, "labels": {"c": "d"}}`,
		`{"turns": {"min": 40, "max": 41}}`, `{"split": {"train": 1, "test": -0}}`,
		`{"quality": {"min_confidence": "NaN"}}`, "{\"labels\": {\"\\u0000\": \"\\ud800\"}}",
		`{"taxonomy": "intents: [a, b"}`, `{"noise": {"rates": {"typo": 2}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeRequest(body)
		if err != nil {
			if !errors.Is(err, ErrInvalidRequest) || err.Error() == ErrInvalidRequest.Error()+": " {
				t.Fatalf("refusal without a reason: %v", err)
			}
			return
		}
		r.ApplyDefaults()
		if err := r.Validate(Limits{MaxSamples: 1_000_000}, []string{"refund", "billing"}); err != nil && !errors.Is(err, ErrInvalidRequest) {
			t.Fatalf("validation error does not wrap ErrInvalidRequest: %v", err)
		}
	})
}
