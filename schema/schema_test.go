package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func FuzzLocator(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": 2}]}`), "/a/1/b")
	f.Add([]byte(`[[[`), "/0/0")
	f.Fuzz(func(t *testing.T, data []byte, ptr string) {
		p := NewLocator("f.json", data).Problem(ptr, "m")
		if p.Line < 0 || p.Column < 0 {
			t.Fatalf("negative position %d:%d", p.Line, p.Column)
		}
	})
}
