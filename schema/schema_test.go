package schema

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/internal/testrig/allocs"
)

func TestSchemaCompiles(t *testing.T) {
	if _, err := compiled(); err != nil {
		t.Fatal(err)
	}
}

// Every property in the schema has a description, so editors show help
// for everything a designer can type.
func TestEveryPropertyDescribed(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(JSON, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(ptr string, v any)
	walk = func(ptr string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for name, p := range props {
				pm, ok := p.(map[string]any)
				if !ok {
					continue // "type": true reuses the layer's own description
				}
				if _, ok := pm["description"]; !ok && !refDescribed(doc, pm) {
					t.Errorf("%s/properties/%s has no description", ptr, name)
				}
			}
		}
		for k, child := range m {
			walk(ptr+"/"+k, child)
		}
	}
	walk("", doc)
}

// refDescribed reports whether a property is a bare $ref to a described definition.
func refDescribed(doc map[string]any, p map[string]any) bool {
	ref, ok := p["$ref"].(string)
	if !ok || !strings.HasPrefix(ref, "#/$defs/") {
		return false
	}
	def, ok := doc["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
	_, described := def["description"]
	return ok && described
}

func TestShippedLayoutsPass(t *testing.T) {
	files, _ := filepath.Glob("../layouts/*.json")
	if len(files) == 0 {
		t.Fatal("no layouts found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ps := Check(f, data); len(ps) > 0 {
			t.Errorf("%v", ps)
		}
	}
}

func TestCheckLocatesProblems(t *testing.T) {
	doc := `{
  "canvas": {"width": 1200, "height": 9000},
  "layers": [
    {"type": "image", "src": "{{x}}", "fitt": "cover"},
    {"type": "text", "text": "hi", "size": 10,
        "maxLines": 0, "box": {"height": "40pc"}},
    {"type": "blob"}
  ]
}`
	want := []string{
		`t.json:2:29: /canvas/height: must be <= 4096 but found 9000`,
		`t.json:4:39: /layers/0/fitt: unknown property "fitt"`,
		`t.json:6:9: /layers/1/maxLines: must be >= 1 but found 0`,
		`t.json:6:32: /layers/1/box/height: must be a number of pixels, or a string like "48px" or "40%"`,
		`t.json:7:6: /layers/2/type: value must be one of "image", "gradient", "rect", "text", "tag", "svg", "stack"`,
	}
	ps := Check("t.json", []byte(doc))
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for i, p := range ps {
		if p.Error() != want[i] {
			t.Errorf("problem %d:\n got %s\nwant %s", i, p.Error(), want[i])
		}
	}
}

func TestSyntaxErrorLocated(t *testing.T) {
	ps := Check("s.json", []byte("{\n  \"layers\": [,]\n}"))
	if len(ps) != 1 || ps[0].Line != 2 || ps[0].Column != 14 || !strings.Contains(ps[0].Message, "invalid JSON") {
		t.Fatalf("got %v, want one invalid JSON problem at 2:14", ps)
	}
}

func TestLocator(t *testing.T) {
	doc := []byte(`{"a": [1, {"b/c": true, "d~e": [null]}], "f": {}}`)
	l := NewLocator("x.json", doc)
	cases := []struct {
		ptr  string
		col  int
		line int
	}{
		{"", 1, 1},
		{"/a", 2, 1},
		{"/a/0", 8, 1},
		{"/a/1", 11, 1},
		{"/a/1/b~1c", 12, 1},
		{"/a/1/d~0e", 25, 1},
		{"/a/1/d~0e/0", 33, 1},
		{"/f", 42, 1},
		{"/f/missing", 42, 1}, // falls back to the nearest ancestor
	}
	for _, c := range cases {
		p := l.Problem(c.ptr, "m")
		if p.Line != c.line || p.Column != c.col {
			t.Errorf("%s: at %d:%d, want %d:%d", c.ptr, p.Line, p.Column, c.line, c.col)
		}
	}
}

// locateBound is the most placing one problem may allocate, for n bytes of
// document and pointer together.
var locateBound = allocs.Linear{
	Base:    allocs.Cost{Bytes: 64 << 10, Objects: 200},
	PerByte: allocs.Cost{Bytes: 128, Objects: 2},
}

// FuzzLocator places problems at arbitrary pointers in arbitrary
// documents: positions are never negative, agree with counting lines by
// hand, and cost no more than locateBound.
func FuzzLocator(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": 2}]}`), "/a/1/b")
	f.Add([]byte(`[[[`), "/0/0")
	f.Add([]byte("{\n\"a~/\": {\"\": [0, 1,\n 2]}}"), "/a~0~1//2")
	f.Fuzz(func(t *testing.T, data []byte, ptr string) {
		var p, q Problem
		cost := allocs.Measure(func() {
			l := NewLocator("f.json", data)
			p = l.Problem(ptr, "m")
			q = l.ProblemAtOffset(int64(len(ptr)), "", "m")
		})
		if err := locateBound.Check(len(data)+len(ptr), cost); err != nil {
			t.Fatal(err)
		}
		if p.Line < 0 || p.Column < 0 {
			t.Fatalf("negative position %d:%d", p.Line, p.Column)
		}
		off := min(len(ptr), len(data))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		col := off - bytes.LastIndexByte(data[:off], '\n')
		if q.Line != line || q.Column != col {
			t.Fatalf("offset %d placed at %d:%d, want %d:%d", off, q.Line, q.Column, line, col)
		}
	})
}

func TestDepthLimit(t *testing.T) {
	nest := func(opening, closing string, n int) string {
		return strings.Repeat(opening, n) + "0" + strings.Repeat(closing, n)
	}
	cases := []struct {
		name, doc string
		ok        bool
		line, col int
		ptr       string
	}{
		{"arrays at the limit", nest("[", "]", MaxDepth), true, 0, 0, ""},
		{"arrays past it", nest("[", "]", MaxDepth+1), false, 1, MaxDepth + 1, strings.Repeat("/0", MaxDepth)},
		{"objects past it", "{\"k\":\n" + nest(`{"a/b~": `, "}", MaxDepth) + "}", false, 2, 1 + (MaxDepth-1)*len(`{"a/b~": `), "/k" + strings.Repeat("/a~1b~0", MaxDepth-1)},
		{"second element", "[1, " + nest("[", "]", MaxDepth) + "]", false, 1, 5 + MaxDepth - 1, "/1" + strings.Repeat("/0", MaxDepth-1)},
		{"brackets in strings", `["` + strings.Repeat("[{", 100) + `"]`, true, 0, 0, ""},
		{"after the document", "{}\n" + nest("[", "]", MaxDepth+1), false, 2, MaxDepth + 1, strings.Repeat("/0", MaxDepth)},
		{"after a syntax error", "[1 2 " + nest("[", "]", MaxDepth+1) + "]", true, 0, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := depthProblem("d.json", []byte(c.doc))
			if ok != c.ok {
				t.Fatalf("ok = %t, want %t (%v)", ok, c.ok, p)
			}
			if !ok && (p.Line != c.line || p.Column != c.col || p.Pointer != c.ptr || p.File != "d.json") {
				t.Errorf("got %s:%d:%d %s, want d.json:%d:%d %s", p.File, p.Line, p.Column, p.Pointer, c.line, c.col, c.ptr)
			}
		})
	}
}

// FuzzDepthLimit checks the depth limit against encoding/json, which
// decodes the document after it: every document encoding/json accepts is
// read to its end, and refused exactly when it nests deeper than MaxDepth.
func FuzzDepthLimit(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": [[]]}]}`))
	f.Add([]byte(strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)))
	f.Add([]byte("[\"\xff\\ud800\", {\"a\": 1, \"a\": 2}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		_, ok := depthProblem("f.json", data)
		if depth := nesting(t, data); ok != (depth <= MaxDepth) {
			t.Fatalf("a document nesting %d levels: refused = %t", depth, !ok)
		}
	})
}

// nesting returns how deeply the objects and arrays of a valid document
// nest, as encoding/json reads it.
func nesting(t *testing.T, data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return deepest
		}
		if err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			deepest = max(deepest, depth)
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}
