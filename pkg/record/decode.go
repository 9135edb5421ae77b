package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// DecodeRequest strictly decodes a JSON request: a body over
// MaxRequestBytes, anything but a JSON object, unknown fields, wrong
// types, trailing data and an explicit "samples" under 1 are errors naming
// the field; they all wrap ErrInvalidRequest. Omitted fields stay zero for
// ApplyDefaults.
func DecodeRequest(data []byte) (Request, error) {
	if len(data) > MaxRequestBytes {
		return Request{}, fmt.Errorf("%w: the request is %d bytes, over the limit of %d; keep inline taxonomies and labels small", ErrInvalidRequest, len(data), MaxRequestBytes)
	}
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Request{}, fmt.Errorf("%w: %s", ErrInvalidRequest, describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Request{}, fmt.Errorf("%w: trailing data after the JSON object", ErrInvalidRequest)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return Request{}, fmt.Errorf("%w: the request must be a JSON object such as {\"samples\": 1000}, got %s", ErrInvalidRequest, jsonKind(raw))
	}
	if err := unknownFields(obj, reflect.TypeFor[Request](), ""); err != nil {
		return Request{}, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	var r Request
	if err := json.Unmarshal(data, &r); err != nil {
		return Request{}, fmt.Errorf("%w: %s", ErrInvalidRequest, describeJSONError(err))
	}
	if v, given := obj["samples"]; given && (v == nil || r.Samples < 1) {
		return Request{}, fmt.Errorf("%w: %w", ErrInvalidRequest, &FieldError{Field: "samples",
			Problem: fmt.Sprintf("must be at least 1, got %v (omit the field for the default of %d)", jsonText(v), DefaultSamples)})
	}
	return r, nil
}

// unknownFields reports the first field of obj, at any depth, that typ
// (a struct) does not declare, with its dotted path. Maps accept any key.
func unknownFields(obj map[string]any, typ reflect.Type, path string) error {
	fields := jsonFields(typ)
	for _, key := range sortedKeys(obj) {
		f, ok := fields[key]
		if !ok {
			return &FieldError{Field: path + key, Problem: "unknown field (see docs/architecture.md for the request fields)"}
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sub, isObj := obj[key].(map[string]any); isObj && ft.Kind() == reflect.Struct {
			if err := unknownFields(sub, ft, path+key+"."); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonFields maps the JSON names of a struct's exported fields to them.
func jsonFields(typ reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for f := range typ.Fields() {
		if !f.IsExported() {
			continue
		}
		if name := jsonName(f); name != "-" {
			out[name] = f
		}
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// jsonText shows a decoded JSON scalar as it was written.
func jsonText(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

// jsonWant names what a Go type takes in JSON words.
func jsonWant(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Pointer:
		return jsonWant(t.Elem())
	default:
		return t.String()
	}
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("%s: expected %s, got JSON %s", te.Field, jsonWant(te.Type), te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the request is empty or cut short; send a JSON object such as {\"samples\": 1000}"
	default:
		return err.Error()
	}
}
