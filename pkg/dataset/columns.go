package dataset

import (
	"fmt"

	"github.com/xitongsys/parquet-go/common"
	"github.com/xitongsys/parquet-go/layout"
	"github.com/xitongsys/parquet-go/schema"
)

// The Parquet writer turns rows into column tables with a MarshalFunc; its
// default walks every row by reflection and allocates a node per value.
// marshalRows builds the same tables for accepted rows directly from row's
// fields. TestMarshalRowsMatchesMarshal holds it to the default's output,
// and it refuses a schema with a column it does not know, so a column
// added to row without a line here fails the tests instead of writing
// wrong data.

// scalarColumns are row's required top-level columns, by field name.
var scalarColumns = map[string]func(r *row) any{
	"ConversationID":     func(r *row) any { return r.ConversationID },
	"JobID":              func(r *row) any { return r.JobID },
	"Slot":               func(r *row) any { return r.Slot },
	"Attempt":            func(r *row) any { return r.Attempt },
	"Intent":             func(r *row) any { return r.Intent },
	"Category":           func(r *row) any { return r.Category },
	"RequestedIntent":    func(r *row) any { return r.RequestedIntent },
	"Confidence":         func(r *row) any { return r.Confidence },
	"RunnerUp":           func(r *row) any { return r.RunnerUp },
	"Margin":             func(r *row) any { return r.Margin },
	"CustomerText":       func(r *row) any { return r.CustomerText },
	"NumTurns":           func(r *row) any { return r.NumTurns },
	"Generator":          func(r *row) any { return r.Generator },
	"PromptVersion":      func(r *row) any { return r.PromptVersion },
	"RulesVersion":       func(r *row) any { return r.RulesVersion },
	"Seed":               func(r *row) any { return r.Seed },
	"Split":              func(r *row) any { return r.Split },
	"PersonaAgeBand":     func(r *row) any { return r.PersonaAgeBand },
	"PersonaTechComfort": func(r *row) any { return r.PersonaTechComfort },
	"PersonaMood":        func(r *row) any { return r.PersonaMood },
	"Channel":            func(r *row) any { return r.Channel },
	"Tone":               func(r *row) any { return r.Tone },
	"Domain":             func(r *row) any { return r.Domain },
	"TargetTurns":        func(r *row) any { return r.TargetTurns },
	"QualityScore":       func(r *row) any { return r.QualityScore },
	"PIIScrubbed":        func(r *row) any { return r.PIIScrubbed },
	"CreatedAt":          func(r *row) any { return r.CreatedAt },
}

// listColumns are row's LIST columns, by the path below the root: each
// appends a row's elements to vals. Elements are REQUIRED in a REPEATED
// list: definition level 1, repetition level 0 for a row's first element
// and 1 after it; an empty list is a single null at levels 0.
var listColumns = map[string]func(r *row, vals []any) []any{
	"Turns\x01List\x01Element\x01Role": func(r *row, vals []any) []any {
		for i := range r.Turns {
			vals = append(vals, r.Turns[i].Role)
		}
		return vals
	},
	"Turns\x01List\x01Element\x01Text": func(r *row, vals []any) []any {
		for i := range r.Turns {
			vals = append(vals, r.Turns[i].Text)
		}
		return vals
	},
	"NoiseTags\x01List\x01Element": func(r *row, vals []any) []any {
		for _, s := range r.NoiseTags {
			vals = append(vals, s)
		}
		return vals
	},
	"LabelFlags\x01List\x01Element": func(r *row, vals []any) []any {
		for _, s := range r.LabelFlags {
			vals = append(vals, s)
		}
		return vals
	},
}

// marshalRows is a writer MarshalFunc for rows of type row (or *row).
func marshalRows(src []any, sh *schema.SchemaHandler) (*map[string]*layout.Table, error) {
	rows := make([]*row, len(src))
	for i, v := range src {
		switch r := v.(type) {
		case row:
			rows[i] = &r
		case *row:
			rows[i] = r
		default:
			return nil, fmt.Errorf("dataset: marshal %T as an accepted row", v)
		}
	}
	root := sh.GetRootInName()
	res := make(map[string]*layout.Table, len(scalarColumns)+len(listColumns))
	for i, el := range sh.SchemaElements {
		if el.GetNumChildren() != 0 {
			continue
		}
		pathStr := sh.IndexMap[int32(i)]
		tab := layout.NewEmptyTable()
		tab.Path = common.StrToPath(pathStr)
		tab.MaxDefinitionLevel, _ = sh.MaxDefinitionLevel(tab.Path)
		tab.MaxRepetitionLevel, _ = sh.MaxRepetitionLevel(tab.Path)
		tab.RepetitionType = el.GetRepetitionType()
		tab.Schema = sh.SchemaElements[sh.MapIndex[pathStr]]
		tab.Info = sh.Infos[i]
		res[pathStr] = tab

		name := pathStr[min(len(root)+1, len(pathStr)):]
		if get, ok := scalarColumns[name]; ok {
			tab.Values = make([]any, len(rows))
			tab.DefinitionLevels = make([]int32, len(rows))
			tab.RepetitionLevels = make([]int32, len(rows))
			for k, r := range rows {
				tab.Values[k] = get(r)
			}
			continue
		}
		appendElems, ok := listColumns[name]
		if !ok {
			return nil, fmt.Errorf("dataset: no column builder for %q", name)
		}
		tab.Values = make([]any, 0, 4*len(rows))
		tab.DefinitionLevels = make([]int32, 0, 4*len(rows))
		tab.RepetitionLevels = make([]int32, 0, 4*len(rows))
		for _, r := range rows {
			before := len(tab.Values)
			tab.Values = appendElems(r, tab.Values)
			if len(tab.Values) == before { // empty list
				tab.Values = append(tab.Values, nil)
				tab.DefinitionLevels = append(tab.DefinitionLevels, 0)
				tab.RepetitionLevels = append(tab.RepetitionLevels, 0)
				continue
			}
			for k := before; k < len(tab.Values); k++ {
				tab.DefinitionLevels = append(tab.DefinitionLevels, 1)
				tab.RepetitionLevels = append(tab.RepetitionLevels, min(int32(k-before), 1))
			}
		}
	}
	return &res, nil
}
