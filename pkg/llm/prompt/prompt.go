package prompt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// Version names the prompt templates. Bump it whenever the system text,
// the example or request layout, or the rotation changes.
const Version = "fewshot-2"

// DefaultExamples is the number of few-shot examples per prompt when
// Options.Examples is zero.
const DefaultExamples = 3

// ErrInvalidCall is wrapped by Render's errors: the call cannot be turned
// into a prompt.
var ErrInvalidCall = errors.New("prompt: invalid call")

// Prompt is what a backend sends for one Call.
type Prompt struct {
	// System is the static part: task, output format and rules. It is
	// byte-identical for every call so prefix caches can reuse it.
	System string
	// User holds the few-shot examples and then one REQUEST line per
	// conversation asked for.
	User string
	// Schema is the JSON Schema of the expected answer (see Output).
	Schema json.RawMessage
	// Version is Version plus a short hash of the examples shown, e.g.
	// "fewshot-2+abcd1234"; it goes on the records as prompt_version.
	Version string
}

// Options tune Render.
type Options struct {
	// Examples is the number of few-shot examples per prompt; 0 means
	// DefaultExamples and a negative value means none.
	Examples int
}

// Render builds the prompt for call. The intents are those of
// call.Specs; every spec must have one. The result depends only on the
// specs (intents, axes, seeds) and opt.
func Render(call llm.Call, opt Options) (Prompt, error) {
	if len(call.Specs) == 0 {
		return Prompt{}, fmt.Errorf("%w: no specs", ErrInvalidCall)
	}
	for i, s := range call.Specs {
		if s.Intent == nil {
			return Prompt{}, fmt.Errorf("%w: specs[%d] has no intent", ErrInvalidCall, i)
		}
	}
	k := opt.Examples
	if k == 0 {
		k = DefaultExamples
	}
	examples := pickExamples(call.Specs, k)
	var b strings.Builder
	writeExamples(&b, examples)
	b.WriteString("Write ")
	b.WriteString(strconv.Itoa(len(call.Specs)))
	b.WriteString(" conversation(s), one per request, in this order:\n")
	for i, s := range call.Specs {
		requestLine(&b, i+1, s)
	}
	b.WriteString(`Answer with the JSON object {"conversations":[...]} only.`)
	return Prompt{
		System:  system,
		User:    b.String(),
		Schema:  Schema(),
		Version: Version + "+" + examplesHash(examples),
	}, nil
}

// writeExamples writes each example as a header line and the conversation
// in the answer format, so the model sees the shape it has to produce.
func writeExamples(b *strings.Builder, examples []shown) {
	if len(examples) == 0 {
		return
	}
	b.WriteString("EXAMPLES (for tone and shape only; write new content):\n")
	for i, ex := range examples {
		fmt.Fprintf(b, "Example %d: intent=%s channel=%s\n", i+1, ex.intent.Name, quoteValue(channelOf(ex.example)))
		b.Write(compactJSON(Conversation{Intent: ex.intent.Name, Turns: ex.example.Turns}))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
}

func channelOf(ex taxonomy.Example) string {
	if ex.Channel == "" {
		return AnyChannel
	}
	return ex.Channel
}

// compactJSON marshals v without HTML escaping, so apostrophes and
// ampersands stay readable to the model.
func compactJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // plain strings and slices cannot fail
		panic(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// examplesHash is 8 hex digits of a hash of the examples shown, in order.
func examplesHash(examples []shown) string {
	h := sha256.New()
	for _, ex := range examples {
		h.Write([]byte(ex.intent.Name))
		h.Write(compactJSON(ex.example))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// LibraryVersion is Version plus a short hash of every example of the
// given intents: one stable prompt_version for a whole taxonomy, for
// backends that report a version independent of the call.
func LibraryVersion(intents []taxonomy.Intent) string {
	var all []shown
	for i := range intents {
		for j, ex := range intents[i].Examples {
			all = append(all, shown{intent: &intents[i], index: j, example: ex})
		}
	}
	return Version + "+" + examplesHash(all)
}
