package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// JSON is the layout schema document, as served to editors and the preview.
//
//go:embed layout.schema.json
var JSON []byte

// URL is the schema's $id.
const URL = "https://ogcard.dev/schema/layout.schema.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource(URL, bytes.NewReader(JSON)); err != nil {
		return nil, err
	}
	return c.Compile(URL)
})

// Check validates a layout document against the schema and returns every
// problem found, located in the file. A document that nests too deeply or
// is not JSON gets a single problem at the place it goes wrong.
func Check(file string, data []byte) Problems {
	return NewLocator(file, data).Check()
}

// Check is [Check] for the locator's document; the problems it finds and
// those the caller adds later share one index of positions.
func (l *Locator) Check() Problems {
	sch, err := compiled()
	if err != nil {
		// The embedded schema is fixed at build time and tested; failing to
		// compile it is a programming error worth reporting, not hiding.
		return Problems{{File: l.file, Message: "internal: layout schema does not compile: " + err.Error()}}
	}
	var doc any
	if p, ok := SyntaxProblem(l.file, l.data, &doc); !ok {
		return Problems{p}
	}
	// Validate recurses into doc, which SyntaxProblem has bounded to
	// MaxDepth levels.
	err = sch.Validate(doc)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		return Problems{l.Problem("", "%v", err)}
	}
	var ps Problems
	for _, leaf := range leaves(ve) {
		ps = append(ps, toProblem(l, leaf))
	}
	ps = dedupe(ps)
	ps.Sort()
	return ps
}

// SyntaxProblem decodes data into v and, when it nests deeper than
// [MaxDepth] or is not valid JSON, returns a problem placed at the fault.
// ok is true when it decoded. The depth is checked first, so v never holds
// more than MaxDepth levels.
func SyntaxProblem(file string, data []byte, v any) (p Problem, ok bool) {
	if p, ok := depthProblem(file, data); !ok {
		return p, false
	}
	loc := NewLocator(file, data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return loc.ProblemAtOffset(dec.InputOffset(), "", "unexpected data after the JSON document"), false
		}
		return Problem{}, true
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the offending byte as read; point at it.
		return loc.ProblemAtOffset(se.Offset-1, "", "invalid JSON: %s", strings.TrimPrefix(se.Error(), "invalid character ")), false
	}
	return loc.ProblemAtOffset(int64(len(data)), "", "invalid JSON: %v", err), false
}

// leaves flattens a validation error tree to the errors that say what is
// wrong; the inner nodes only say "doesn't validate with ...".
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if alt, ok := alternativesProblem(ve); ok {
		return []*jsonschema.ValidationError{alt}
	}
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	causes := ve.Causes
	if strings.HasSuffix(ve.KeywordLocation, "/oneOf") {
		causes = sameTypeBranches(causes)
	}
	var out []*jsonschema.ValidationError
	for _, c := range causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// sameTypeBranches keeps, of the failed branches of a oneOf (a colour or
// a gradient object, one shadow or a list), those written in the value's
// JSON type: "expected string, but got object" says nothing when the
// object branch says what is wrong with the object.
func sameTypeBranches(causes []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	var kept []*jsonschema.ValidationError
	for _, c := range causes {
		if !slices.ContainsFunc(leaves(c), func(l *jsonschema.ValidationError) bool { return !typeMismatchRe.MatchString(l.Message) }) {
			continue // only says the value is of another type
		}
		kept = append(kept, c)
	}
	if len(kept) == 0 {
		return causes
	}
	return kept
}

var typeMismatchRe = regexp.MustCompile(`^expected \w+, but got \w+$`)

var additionalRe = regexp.MustCompile(`^additionalProperties (.+) not allowed$`)
var quotedRe = regexp.MustCompile(`'([^']*)'`)

// toProblem turns a schema error into a problem with a message a designer
// can act on; an unknown property is reported at the property itself.
func toProblem(loc *Locator, ve *jsonschema.ValidationError) Problem {
	ptr, msg := ve.InstanceLocation, ve.Message
	if m := additionalRe.FindStringSubmatch(msg); m != nil {
		names := quotedRe.FindAllStringSubmatch(m[1], -1)
		if len(names) > 0 {
			ptr = ptr + "/" + escape(names[0][1])
			msg = fmt.Sprintf("unknown property %q", names[0][1])
		}
	}
	if strings.Contains(ve.AbsoluteKeywordLocation, "/$defs/length/oneOf") {
		msg = `must be a number of pixels, or a string like "48px" or "40%"`
	}
	if strings.Contains(ve.AbsoluteKeywordLocation, "/$defs/radius/oneOf") {
		msg = `must be a number of pixels (0 or more), or a string like "24px" or "50%"`
	}
	msg = strings.Replace(msg, "missing properties: ", "missing required property ", 1)
	return loc.Problem(ptr, "%s", msg)
}

func dedupe(ps Problems) Problems {
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		k := p.Pointer + "\x00" + p.Message
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}
