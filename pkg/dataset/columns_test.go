package dataset

import (
	"reflect"
	"testing"

	"github.com/xitongsys/parquet-go/marshal"
	"github.com/xitongsys/parquet-go/schema"
)

// TestMarshalRowsMatchesMarshal builds the column tables of sample rows
// (empty and filled lists included) with marshalRows and with the
// writer's reflection-based Marshal, and requires them equal: same
// columns, values, levels and schema.
func TestMarshalRowsMatchesMarshal(t *testing.T) {
	recs := sampleConversations(300, 11)
	recs[0].NoiseTags, recs[0].LabelFlags = nil, nil
	recs[1].NoiseTags, recs[1].LabelFlags = []string{"Z:typo_adjacent", "Q:filler"}, []string{"disagreement"}
	recs[2].Turns = nil
	var values, pointers []any
	lists := map[string]bool{}
	for i := range recs {
		r := toRow(&recs[i])
		values = append(values, r)
		pointers = append(pointers, &r)
		lists["noise"] = lists["noise"] || len(r.NoiseTags) > 0
		lists["flags"] = lists["flags"] || len(r.LabelFlags) > 0
		lists["empty"] = lists["empty"] || len(r.LabelFlags) == 0
	}
	if len(lists) != 3 || !lists["noise"] || !lists["flags"] || !lists["empty"] {
		t.Fatalf("samples lack a list shape: %v", lists)
	}
	sh, err := schema.NewSchemaHandlerFromStruct(new(row))
	if err != nil {
		t.Fatal(err)
	}
	want, err := marshal.Marshal(values, sh)
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string][]any{"values": values, "pointers": pointers} {
		got, err := marshalRows(src, sh)
		if err != nil {
			t.Fatal(err)
		}
		if len(*got) != len(*want) {
			t.Fatalf("%s: %d columns, want %d", name, len(*got), len(*want))
		}
		for path, w := range *want {
			g := (*got)[path]
			if g == nil {
				t.Fatalf("%s: column %q missing", name, path)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: column %q differs:\n got  %v %v %v\n want %v %v %v", name, path,
					g.Values[:min(6, len(g.Values))], g.DefinitionLevels[:min(6, len(g.DefinitionLevels))], g.RepetitionLevels[:min(6, len(g.RepetitionLevels))],
					w.Values[:min(6, len(w.Values))], w.DefinitionLevels[:min(6, len(w.DefinitionLevels))], w.RepetitionLevels[:min(6, len(w.RepetitionLevels))])
			}
		}
	}
}

// TestMarshalRowsRefusesUnknownColumns gives marshalRows a schema with a
// column it has no builder for.
func TestMarshalRowsRefusesUnknownColumns(t *testing.T) {
	type wider struct {
		ConversationID string `parquet:"name=conversation_id, type=BYTE_ARRAY, convertedtype=UTF8"`
		Extra          string `parquet:"name=extra, type=BYTE_ARRAY, convertedtype=UTF8"`
	}
	sh, err := schema.NewSchemaHandlerFromStruct(new(wider))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := marshalRows([]any{&row{}}, sh); err == nil {
		t.Fatal("a column without a builder was accepted")
	}
}
