// Package parse turns the text a language model answered into one Draft
// per requested conversation. It decodes the expected shape
//
//	{"conversations":[{"intent":"..","turns":[{"role":"customer","text":".."}]}]}
//
// strictly when it can and otherwise tolerates what models commonly do:
// code fences, prose around the JSON, a bare array or a single object, a
// truncated last item, role aliases and "content" for "text". What cannot
// be repaired becomes Draft.Err wrapping one of the sentinel errors below.
// The functions never panic on any input.
package parse

import "errors"

// Reasons a requested conversation has no usable draft; test with errors.Is.
var (
	// ErrNoJSON: the answer holds no JSON object or array.
	ErrNoJSON = errors.New("no JSON in the answer")
	// ErrTruncated: the answer ends before this conversation was complete
	// (the model hit its token limit).
	ErrTruncated = errors.New("answer truncated")
	// ErrWrongShape: JSON of another shape than asked (no conversations
	// list, turns not a list, unknown role).
	ErrWrongShape = errors.New("wrong JSON shape")
	// ErrMissing: the answer has fewer conversations than asked, or one
	// with no turns or an empty turn.
	ErrMissing = errors.New("missing conversation or field")
	// ErrOffIntent: the conversation declares another intent than asked.
	ErrOffIntent = errors.New("conversation for another intent")
)
