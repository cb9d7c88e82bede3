package source

import (
	"encoding/json"
	"strconv"
)

// lookupPath walks doc along path: a part selects an object's key, or an
// array's element when it is a non-negative integer. It returns nil when
// the path leads nowhere.
func lookupPath(doc any, path []string) any {
	cur := doc
	for _, part := range path {
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[part]
			if !ok {
				return nil
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(node) {
				return nil
			}
			cur = node[i]
		default:
			return nil
		}
	}
	return cur
}

// jsonScalar keeps strings and numbers, the values a layout field takes;
// null, booleans, objects and arrays are left out so the field's default
// or required rule decides.
func jsonScalar(v any) (any, bool) {
	switch v := v.(type) {
	case string, json.Number:
		return v, true
	}
	return nil, false
}
