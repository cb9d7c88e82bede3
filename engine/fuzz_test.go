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
