package record

import (
	"fmt"
	"reflect"
	"sort"
)

// Size limits of a request. A request is copied into the job store, every
// manifest and every log line about its job, so nothing in it may grow
// without bound.
const (
	// MaxRequestBytes bounds a whole request as sent, inline taxonomy
	// included.
	MaxRequestBytes = 1 << 20
	// MaxStringBytes bounds every string of a request (label values,
	// names, backend and model) and every map key, except those in
	// longStrings.
	MaxStringBytes = 256
	// MaxMapEntries bounds the entries of every map of a request (labels,
	// intents, noise rates).
	MaxMapEntries = 1000
)

// longStrings are the string fields allowed more than MaxStringBytes: an
// output path or URL, and the inline taxonomy (bounded by MaxRequestBytes).
var longStrings = map[string]int{
	"output":   4096,
	"taxonomy": MaxRequestBytes,
}

// checkSizes reports every string over its limit and every map over
// MaxMapEntries, at any depth of r, naming the field. It walks the struct,
// so a string field added to Request is bounded without further code.
func checkSizes(r *Request, bad func(field, format string, args ...any)) {
	walkSizes(reflect.ValueOf(r).Elem(), "", bad)
}

func walkSizes(v reflect.Value, path string, bad func(string, string, ...any)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkSizes(v.Elem(), path, bad)
		}
	case reflect.String:
		limit, ok := longStrings[path]
		if !ok {
			limit = MaxStringBytes
		}
		if n := v.Len(); n > limit {
			bad(path, "is %d bytes, over the limit of %d", n, limit)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				walkSizes(v.Field(i), join(path, jsonName(f)), bad)
			}
		}
	case reflect.Map:
		if v.Len() > MaxMapEntries {
			bad(path, "has %d entries, over the limit of %d", v.Len(), MaxMapEntries)
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			key := k.String()
			if len(key) > MaxStringBytes {
				bad(path, "a key is %d bytes, over the limit of %d", len(key), MaxStringBytes)
				continue
			}
			walkSizes(v.MapIndex(k), join(path, key), bad)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkSizes(v.Index(i), fmt.Sprintf("%s[%d]", path, i), bad)
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
