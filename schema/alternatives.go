package schema

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// alternativeNames returns, for a oneOf whose branches each only require
// properties ("text" or "spans"; "text" or "svg"), the name each branch
// requires; nil for any other oneOf. The validator's own words for these
// ("valid against schemas at indexes 0 and 1", or one "missing property"
// per branch) say nothing a designer can act on; the names do.
func alternativeNames(absoluteKeywordLocation string) []string {
	_, frag, ok := strings.Cut(absoluteKeywordLocation, "#")
	if !ok {
		return nil
	}
	node := resolve(rawSchema(), frag)
	branches, _ := node.([]any)
	var names []string
	for _, b := range branches {
		obj, _ := b.(map[string]any)
		req, _ := obj["required"].([]any)
		if len(obj) != 1 || len(req) != 1 {
			return nil
		}
		name, _ := req[0].(string)
		names = append(names, fmt.Sprintf("%q", name))
	}
	return names
}

// alternativesProblem rewrites the error of a oneOf between required
// properties: none given, or more than one. ok is false for other errors.
func alternativesProblem(ve *jsonschema.ValidationError) (*jsonschema.ValidationError, bool) {
	if !strings.HasSuffix(ve.KeywordLocation, "/oneOf") {
		return nil, false
	}
	names := alternativeNames(ve.AbsoluteKeywordLocation)
	if names == nil {
		return nil, false
	}
	either := strings.Join(names, " or ")
	out := *ve
	out.Causes = nil
	if len(ve.Causes) == 0 {
		out.Message = fmt.Sprintf("give only one of %s", either)
	} else {
		out.Message = fmt.Sprintf("give %s", either)
	}
	return &out, true
}

var rawSchema = sync.OnceValue(func() any {
	var v any
	if err := json.Unmarshal(JSON, &v); err != nil {
		return nil // compiled() reports a broken schema
	}
	return v
})

// resolve follows a JSON Pointer fragment ("/$defs/span/oneOf") into v.
func resolve(v any, pointer string) any {
	if pointer == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = unescape(tok)
		switch n := v.(type) {
		case map[string]any:
			v = n[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			v = n[i]
		default:
			return nil
		}
	}
	return v
}
