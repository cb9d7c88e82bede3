package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/testrig/allocs"
)

// FuzzCompileLayout feeds arbitrary documents to the whole front end:
// schema, strict decode, semantic checks, and for those that compile, a
// render with their sample data. Nothing may panic, and compiling may
// allocate no more than compileBound allows for the document's size.
func FuzzCompileLayout(f *testing.F) {
	for _, glob := range []string{"layouts/*.json", "testdata/invalid/*.json", "testdata/layouts/*.json"} {
		files, _ := filepath.Glob(filepath.Join(root, glob))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, doc := range effectSeeds {
		f.Add([]byte(doc))
	}
	assets := os.DirFS(filepath.Join(root, "layouts"))
	// Load the schema and the fonts first: that happens once per process
	// and is not the document's cost.
	if _, err := engine.LoadFile(filepath.Join(root, "layouts/news.json")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tp *engine.Template
		var err error
		cost := allocs.Measure(func() {
			tp, err = engine.Compile("fuzz.json", data, &engine.CompileOptions{Assets: assets})
		})
		if err := compileBound.Check(len(data), cost); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		if tp.Width < 16 || tp.Height < 16 {
			t.Fatalf("compiled a %dx%d canvas", tp.Width, tp.Height)
		}
		_, _, _ = tp.Render(context.Background(), tp.SampleData(), engine.RenderOptions{})
	})
}

// effectSeeds use every effect without assets (the effects layouts of
// testdata/layouts need theirs), so the fuzzer starts from renders.
var effectSeeds = []string{
	`{"fields": {"p": {"type": "image", "sample": "x.jpg"}}, "layers": [
		{"type": "image", "src": "{{p}}", "blur": 20, "blend": "multiply", "radius": "50%",
		 "shadow": [{"blur": 8, "spread": -3}, {"x": 4, "spread": 6}], "fallback": {"color": "#123456"}},
		{"type": "rect", "box": {"x": -50, "y": 10, "width": 5000, "height": 80}, "radius": "25%", "blend": "overlay",
		 "fill": {"type": "radial", "center": {"x": 0, "y": 1}, "stops": [{"color": "#fff", "at": 0}, {"color": "#0000", "at": 1}]},
		 "shadow": {"blur": 64, "spread": 64, "y": -900}, "border": {"width": 3, "color": "#f00"}},
		{"type": "tag", "text": "t", "size": 20, "radius": "50%", "shadow": {"blur": 2},
		 "background": {"type": "linear", "angle": 45, "stops": [{"color": "#f00", "at": 0}, {"color": "#00f", "at": 1}]},
		 "color": {"type": "linear", "stops": [{"color": "#fff", "at": 0}, {"color": "#000", "at": 1}]}},
		{"type": "text", "text": "gradient", "size": 40, "shadow": {"blur": 3},
		 "color": {"type": "radial", "stops": [{"color": "#ff0", "at": 0}, {"color": "#f0f", "at": 0.5}]}}]}`,
}
