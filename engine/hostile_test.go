package engine_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/testrig/allocs"
	"github.com/ogcard/ogcard/schema"
)

// compileBound is the most compiling n bytes of layout may allocate,
// whatever the bytes are. The costliest shapes measured allocate about
// 300 bytes in 5.3 objects (a valid layout of many small layers) and 360
// bytes in 6.8 objects (many layers with problems) per input byte, most of
// it in the schema validator; a document nested too deeply costs a few
// kilobytes at any size.
var compileBound = allocs.Linear{
	Base:    allocs.Cost{Bytes: 1 << 20, Objects: 10_000},
	PerByte: allocs.Cost{Bytes: 512, Objects: 10},
}

// compileCost compiles data and returns what that allocated.
func compileCost(data []byte) (allocs.Cost, error) {
	assets := os.DirFS(filepath.Join(root, "layouts"))
	var err error
	cost := allocs.Measure(func() {
		_, err = engine.Compile("hostile.json", data, &engine.CompileOptions{Assets: assets})
	})
	return cost, err
}

// hostileShapes builds layout documents of about n bytes that stress one
// part of the front end each.
var hostileShapes = map[string]func(n int) string{
	"deep arrays": func(n int) string {
		return strings.Repeat("[", n/2) + strings.Repeat("]", n/2)
	},
	"deep objects": func(n int) string {
		return strings.Repeat(`{"a":`, n/6) + "0" + strings.Repeat("}", n/6)
	},
	"deep inside a layer": func(n int) string {
		k := max(n-200, 0) / 2
		return `{"layers": [{"type": "rect", "fill": "#000", "box": {"left": 0, "top": 0, "width": ` +
			strings.Repeat("[", k) + strings.Repeat("]", k) + `, "height": 10}}]}`
	},
	"wide array": func(n int) string {
		return "[" + strings.Repeat("0,", n/2) + "0]"
	},
	"wide array in a layer": func(n int) string {
		return `{"layers": [{"type": "rect", "fill": "#000", "box": {"left": 0, "top": 0, "width": [` +
			strings.Repeat("0,", n/2) + `0], "height": 10}}]}`
	},
	"long string": func(n int) string {
		return `{"layers": [{"type": "text", "text": "` + strings.Repeat("x", n) + `", "box": {"left": 0, "top": 0, "width": 100, "height": 100}, "size": 20}]}`
	},
	"long key": func(n int) string {
		return `{"layers": [{"type": "rect", "fill": "#000", "box": {"left": 0, "top": 0, "width": 1, "height": 1}}], "` +
			strings.Repeat("k", n) + `": 1}`
	},
	"many layers": func(n int) string {
		layer := `{"type": "rect", "fill": "#123456", "box": {"left": 1, "top": 2, "width": 3, "height": 4}}`
		return `{"layers": [` + strings.Repeat(layer+",", n/len(layer)) + layer + `]}`
	},
	"many problems": func(n int) string {
		layer := `{"type": "text", "text": "hi", "size": 0, "maxLines": 0, "what": 1}`
		return `{"layers": [` + strings.Repeat(layer+",", n/len(layer)) + layer + `]}`
	},
	"many unknown properties": func(n int) string {
		var b strings.Builder
		b.WriteString(`{"layers": [{"type": "rect", "fill": "#000", "box": {"left": 0, "top": 0, "width": 1, "height": 1}`)
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, `, "u%d": [1]`, i)
		}
		b.WriteString(`}]}`)
		return b.String()
	},
}

// TestCompileAllocationsLinear compiles documents of every hostile shape
// from 1 KB up to 1 MB, the preview's body limit, and checks that each is
// refused or compiled with allocations bounded linearly in its size.
// Sizes grow, so a cost that grows faster than the input fails on a small
// document, before it can exhaust the machine.
func TestCompileAllocationsLinear(t *testing.T) {
	// Load the schema and the fonts, which happens once per process.
	if _, err := engine.LoadFile(filepath.Join(root, "layouts/news.json")); err != nil {
		t.Fatal(err)
	}
	largest := 1 << 20
	if testing.Short() {
		largest = 64 << 10
	}
	for name, shape := range hostileShapes {
		t.Run(name, func(t *testing.T) {
			for n := 1 << 10; n <= largest; n *= 4 {
				data := []byte(shape(n))
				cost, err := compileCost(data)
				t.Logf("%7d bytes: allocated %10d bytes in %7d objects; compiled: %t", len(data), cost.Bytes, cost.Objects, err == nil)
				if err := compileBound.Check(len(data), cost); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestTooDeepLocated checks that a document nested past schema.MaxDepth is
// refused with one problem at the value that opens the level too many,
// with its line:column and JSON Pointer.
func TestTooDeepLocated(t *testing.T) {
	doc := "{\"layers\": [\n  {\"type\": \"rect\", \"box\": {\"width\": " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "}}]}"
	_, err := engine.Compile("deep.json", []byte(doc), nil)
	var ps schema.Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("got %v, want one problem", err)
	}
	// /layers, /layers/0, /layers/0/box and /layers/0/box/width open four
	// levels, so the 61st "[" inside width opens level 65; it is
	// element 0 of the 60th.
	wantPtr := "/layers/0/box/width" + strings.Repeat("/0", 60)
	wantCol := len(`  {"type": "rect", "box": {"width": `) + 61
	p := ps[0]
	if p.File != "deep.json" || p.Line != 2 || p.Column != wantCol || p.Pointer != wantPtr || !strings.Contains(p.Message, "nested too deeply") {
		t.Errorf("got %s:%d:%d %s %q, want deep.json:2:%d %s \"nested too deeply…\"", p.File, p.Line, p.Column, p.Pointer, p.Message, wantCol, wantPtr)
	}
}
