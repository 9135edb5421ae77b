package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// item is one conversation as a model wrote it, before validation.
type item struct {
	Intent string `json:"intent"`
	Turns  []struct {
		Role    string `json:"role"`
		Text    string `json:"text"`
		Content string `json:"content"`
	} `json:"turns"`
	// Messages is a common alias of turns.
	Messages json.RawMessage `json:"messages"`
	err      error
}

// extraction is what could be read from an answer: the items in order and
// whether the answer was cut short after them.
type extraction struct {
	items     []item
	truncated bool
}

// maxStarts bounds how many '{' or '[' positions are tried as the start of
// the JSON when prose before it contains braces.
const maxStarts = 4

// extract finds the conversations in raw.
func extract(raw string) (extraction, error) {
	s := unfence(raw)
	var firstErr error
	off := 0
	for range maxStarts {
		i := strings.IndexAny(s[off:], "{[")
		if i < 0 {
			break
		}
		off += i
		ex, err := extractAt([]byte(s[off:]))
		if err == nil {
			return ex, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		off++
	}
	if firstErr == nil {
		firstErr = ErrNoJSON
	}
	return extraction{}, firstErr
}

// unfence returns the body of the first Markdown code fence, or s.
func unfence(s string) string {
	i := strings.Index(s, "```")
	if i < 0 {
		return s
	}
	body := s[i+3:]
	if nl := strings.IndexByte(body, '\n'); nl >= 0 && !strings.ContainsAny(body[:nl], "{[") {
		body = body[nl+1:] // drop the info string, e.g. "json"
	}
	if j := strings.Index(body, "```"); j >= 0 {
		body = body[:j]
	}
	return body
}

// extractAt reads the JSON value starting at b[0] ('{' or '[').
func extractAt(b []byte) (extraction, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return extraction{}, fmt.Errorf("%w: %w", ErrNoJSON, err)
	}
	if tok == json.Delim('[') {
		return items(dec), nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return extraction{truncated: true}, fmt.Errorf("%w: %w", ErrTruncated, err)
		}
		switch key {
		case "conversations", "items", "data":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return extraction{}, fmt.Errorf("%w: %q is not a list", ErrWrongShape, key)
			}
			return items(dec), nil
		case "intent", "turns", "messages":
			return single(b), nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return extraction{truncated: true}, fmt.Errorf("%w: %w", ErrTruncated, err)
		}
	}
	return extraction{}, fmt.Errorf("%w: no \"conversations\" list", ErrWrongShape)
}

// items decodes array elements one at a time so a malformed or truncated
// element spoils only itself and what follows it.
func items(dec *json.Decoder) extraction {
	var ex extraction
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			ex.truncated = true
			return ex
		}
		ex.items = append(ex.items, decodeItem(raw))
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		ex.truncated = true
	}
	return ex
}

// single reads an answer that is one conversation object.
func single(b []byte) extraction {
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&raw); err != nil {
		return extraction{truncated: true}
	}
	return extraction{items: []item{decodeItem(raw)}}
}

func decodeItem(raw json.RawMessage) item {
	var it item
	if err := json.Unmarshal(raw, &it); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return item{err: fmt.Errorf("%w: field %q: %s is not %s", ErrWrongShape, te.Field, te.Value, te.Type)}
		}
		return item{err: fmt.Errorf("%w: %w", ErrWrongShape, err)}
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(raw, &keys) // raw decoded as an object just above
	if keys["turns"] == nil && keys["messages"] == nil {
		return item{err: fmt.Errorf("%w: conversation has no \"turns\" list", ErrWrongShape)}
	}
	if len(it.Turns) == 0 && len(it.Messages) > 0 {
		var alias item
		if err := json.Unmarshal(append(append([]byte(`{"turns":`), it.Messages...), '}'), &alias); err == nil {
			it.Turns = alias.Turns
		}
	}
	return it
}
