package dataset

import (
	"reflect"
	"strings"
)

// Tags of the two columns rejected parts add to the accepted schema.
var rejectedTags = map[string]reflect.StructTag{
	"Reasons": `parquet:"name=reasons, type=LIST, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8, valuelogicaltype=STRING"`,
	"Detail":  `parquet:"name=detail, type=BYTE_ARRAY, convertedtype=UTF8, logicaltype=STRING"`,
}

// rejectedType is row with Reasons and Detail tagged: the writer builds its
// schema from struct tags and does not flatten embedded structs, so the
// rejected schema is derived from row instead of written out twice. A row
// value converts to it directly because conversions ignore tags.
var rejectedType = func() reflect.Type {
	t := reflect.TypeFor[row]()
	fields := make([]reflect.StructField, t.NumField())
	for i := range fields {
		fields[i] = t.Field(i)
		if tag, ok := rejectedTags[fields[i].Name]; ok {
			fields[i].Tag = tag
		}
		if !strings.Contains(string(fields[i].Tag), "name=") {
			panic("dataset: untagged column " + fields[i].Name)
		}
	}
	return reflect.StructOf(fields)
}()
