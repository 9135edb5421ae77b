package dataset

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// readTurn and readRow decode files with the independent reader, so the
// tests check what other tools see rather than what our writer meant.
type readTurn struct {
	Role string `parquet:"role"`
	Text string `parquet:"text"`
}

type readRow struct {
	ConversationID     string     `parquet:"conversation_id"`
	JobID              string     `parquet:"job_id"`
	Slot               int64      `parquet:"slot"`
	Attempt            int32      `parquet:"attempt"`
	Intent             string     `parquet:"intent"`
	Category           string     `parquet:"category"`
	RequestedIntent    string     `parquet:"requested_intent"`
	Confidence         float64    `parquet:"confidence"`
	RunnerUp           string     `parquet:"runner_up"`
	Margin             float64    `parquet:"margin"`
	Turns              []readTurn `parquet:"turns,list"`
	CustomerText       string     `parquet:"customer_text"`
	NumTurns           int32      `parquet:"num_turns"`
	NoiseTags          []string   `parquet:"noise_tags,list"`
	LabelFlags         []string   `parquet:"label_flags,list"`
	Generator          string     `parquet:"generator"`
	PromptVersion      string     `parquet:"prompt_version"`
	RulesVersion       string     `parquet:"rules_version"`
	Seed               int64      `parquet:"seed"`
	Split              string     `parquet:"split"`
	PersonaAgeBand     string     `parquet:"persona_age_band"`
	PersonaTechComfort string     `parquet:"persona_tech_comfort"`
	PersonaMood        string     `parquet:"persona_mood"`
	Channel            string     `parquet:"channel"`
	Tone               string     `parquet:"tone"`
	Domain             string     `parquet:"domain"`
	TargetTurns        int32      `parquet:"target_turns"`
	QualityScore       float64    `parquet:"quality_score"`
	PIIScrubbed        bool       `parquet:"pii_scrubbed"`
	CreatedAt          int64      `parquet:"created_at"`
}

// expectRow is what readRow must hold for c.
func expectRow(c *record.Conversation) readRow {
	turns := make([]readTurn, len(c.Turns))
	for i, t := range c.Turns {
		turns[i] = readTurn(t)
	}
	return readRow{
		ConversationID: c.ConversationID, JobID: c.JobID, Slot: c.Slot, Attempt: c.Attempt,
		Intent: c.Intent, Category: c.Category, RequestedIntent: c.RequestedIntent,
		Confidence: c.Confidence, RunnerUp: c.RunnerUp, Margin: c.Margin, Turns: turns,
		CustomerText: c.CustomerText(), NumTurns: int32(len(c.Turns)),
		NoiseTags: nilIfEmpty(c.NoiseTags), LabelFlags: nilIfEmpty(c.LabelFlags),
		Generator: c.Generator, PromptVersion: c.PromptVersion, RulesVersion: c.RulesVersion,
		Seed: c.Seed, Split: c.Split, PersonaAgeBand: c.Axes.AgeBand,
		PersonaTechComfort: c.Axes.TechComfort, PersonaMood: c.Axes.Mood, Channel: c.Axes.Channel,
		Tone: c.Axes.Tone, Domain: c.Axes.Domain, TargetTurns: int32(c.Axes.Turns),
		QualityScore: c.QualityScore, PIIScrubbed: c.PIIScrubbed, CreatedAt: c.CreatedAt.UnixMicro(),
	}
}

// edgeConversations has empty strings, unicode, no lists and one turn.
func edgeConversations() []record.Conversation {
	return []record.Conversation{
		{ConversationID: "e-1", JobID: "j", Turns: []record.Turn{{Role: record.RoleCustomer, Text: ""}},
			CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)},
		{ConversationID: "e-2", JobID: "j", Intent: "get_refund", Split: record.SplitTest,
			Turns: []record.Turn{
				{Role: record.RoleCustomer, Text: "¿Dónde está mi pedido? 🚚 ünïcödé ✓"},
				{Role: record.RoleAgent, Text: "日本語のテキスト\ttab\nnewline"},
				{Role: record.RoleCustomer, Text: "ok"},
			},
			LabelFlags: []string{"disagreement", "noise_flip"}, NoiseTags: []string{"emoji"},
			CreatedAt: time.Date(2030, 12, 31, 23, 59, 59, 999999000, time.UTC)},
	}
}

func encodeBytes(t *testing.T, recs []record.Conversation, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, recs, opt); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func openIndependent(t *testing.T, data []byte) *pq.File {
	t.Helper()
	f, err := pq.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("independent reader: open: %v", err)
	}
	return f
}

// schemaText renders the file's schema elements one per line: name,
// repetition, physical type, converted type, logical type, children.
func schemaText(f *pq.File) string {
	var b strings.Builder
	for _, e := range f.Metadata().Schema {
		b.WriteString(e.Name)
		if rt, ok := e.RepetitionType.Get(); ok {
			b.WriteString(" " + rt.String())
		}
		if typ, ok := e.Type.Get(); ok {
			b.WriteString(" " + typ.String())
		}
		if ct, ok := e.ConvertedType.Get(); ok {
			b.WriteString(" converted=" + convertedNames[int(ct)])
		}
		if e.LogicalType.Value != nil {
			b.WriteString(" logical=" + e.LogicalType.String())
		}
		if n, ok := e.NumChildren.Get(); ok {
			b.WriteString(" children=" + itoa(int(n)))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

// convertedNames names the converted types the schema uses (parquet.thrift
// numbering).
var convertedNames = map[int]string{0: "UTF8", 3: "LIST", 10: "TIMESTAMP_MICROS"}

var update = flag.Bool("update", false, "rewrite the schema golden files")

func TestEncodeSchema(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		data   func(t *testing.T) []byte
	}{
		{"accepted", "testdata/schema.txt", func(t *testing.T) []byte {
			return encodeBytes(t, sampleConversations(3, 1), Options{})
		}},
		{"rejected", "testdata/schema_rejected.txt", func(t *testing.T) []byte {
			var buf bytes.Buffer
			if err := EncodeRejected(&buf, []record.Rejected{{Reasons: []string{"pii"}}}, Options{}); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schemaText(openIndependent(t, tt.data(t)))
			if *update {
				if err := os.WriteFile(tt.golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(tt.golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("schema differs from %s\ngot:\n%s\nwant:\n%s", tt.golden, got, want)
			}
		})
	}
}

func TestEncodeValues(t *testing.T) {
	recs := append(sampleConversations(1500, 2), edgeConversations()...)
	tests := []struct {
		name  string
		opt   Options
		codec format.CompressionCodec
	}{
		{"snappy default", Options{}, format.Snappy},
		{"zstd", Options{Compression: CompressionZstd}, format.Zstd},
		{"small pages and groups", Options{PageSize: 4 << 10, RowGroupBytes: 64 << 10}, format.Snappy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openIndependent(t, encodeBytes(t, recs, tt.opt))
			if f.NumRows() != int64(len(recs)) {
				t.Fatalf("rows = %d, want %d", f.NumRows(), len(recs))
			}
			for _, rg := range f.Metadata().RowGroups {
				for _, col := range rg.Columns {
					if col.MetaData.Codec != tt.codec {
						t.Fatalf("column %v codec %v, want %v", col.MetaData.PathInSchema, col.MetaData.Codec, tt.codec)
					}
				}
			}
			r := pq.NewGenericReader[readRow](f)
			defer r.Close()
			got := make([]readRow, len(recs))
			n, err := r.Read(got)
			if n != len(recs) || (err != nil && !errors.Is(err, io.EOF)) {
				t.Fatalf("read %d rows, err %v", n, err)
			}
			for i := range recs {
				want := expectRow(&recs[i])
				if !reflect.DeepEqual(normalize(got[i]), want) {
					t.Fatalf("row %d:\ngot  %+v\nwant %+v", i, got[i], want)
				}
			}
		})
	}
}

// normalize maps empty lists to nil like expectRow.
func normalize(r readRow) readRow {
	r.NoiseTags, r.LabelFlags = nilIfEmpty(r.NoiseTags), nilIfEmpty(r.LabelFlags)
	if len(r.Turns) == 0 {
		r.Turns = []readTurn{}
	}
	return r
}

func TestEncodeRejectedColumns(t *testing.T) {
	recs := []record.Rejected{
		{Reasons: []string{"duplicate", "low_confidence"}, Detail: "similar to j-0000001-0", Conversation: sampleConversations(1, 3)[0]},
		{Conversation: edgeConversations()[1]},
	}
	var buf bytes.Buffer
	if err := EncodeRejected(&buf, recs, Options{Compression: CompressionZstd}); err != nil {
		t.Fatal(err)
	}
	type rejRow struct {
		ConversationID string     `parquet:"conversation_id"`
		Turns          []readTurn `parquet:"turns,list"`
		Reasons        []string   `parquet:"reasons,list"`
		Detail         string     `parquet:"detail"`
	}
	r := pq.NewGenericReader[rejRow](bytes.NewReader(buf.Bytes()))
	defer r.Close()
	got := make([]rejRow, len(recs))
	if n, err := r.Read(got); n != len(recs) {
		t.Fatalf("read %d rows: %v", n, err)
	}
	for i, want := range recs {
		g := got[i]
		if g.ConversationID != want.Conversation.ConversationID || g.Detail != want.Detail ||
			!reflect.DeepEqual(nilIfEmpty(g.Reasons), want.Reasons) || len(g.Turns) != len(want.Conversation.Turns) {
			t.Errorf("row %d = %+v, want %+v", i, g, want)
		}
	}
}

func TestEncodeEmpty(t *testing.T) {
	data := encodeBytes(t, nil, Options{})
	f := openIndependent(t, data)
	if f.NumRows() != 0 {
		t.Fatalf("rows = %d, want 0", f.NumRows())
	}
	if got := len(f.Metadata().Schema); got != 39 {
		t.Errorf("schema has %d elements, want 39", got)
	}
	calls := 0
	err := Scan(bytes.NewReader(data), int64(len(data)), func(*record.Conversation) error { calls++; return nil })
	if err != nil || calls != 0 {
		t.Fatalf("Scan = %v after %d calls, want nil after 0", err, calls)
	}
}

func TestEncodeUnknownCompression(t *testing.T) {
	err := Encode(&bytes.Buffer{}, nil, Options{Compression: "lzo"})
	if err == nil || !strings.Contains(err.Error(), "lzo") {
		t.Fatalf("Encode with lzo = %v, want an error naming it", err)
	}
}
