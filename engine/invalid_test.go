package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/schema"
)

// TestInvalidLayouts compiles every testdata/invalid/NAME.json and checks
// that the error lists exactly the problems in NAME.want, one per line,
// each with file:line:column and JSON Pointer.
func TestInvalidLayouts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(root, "testdata/invalid/*.json"))
	if len(files) == 0 {
		t.Fatal("no invalid cases")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".want")
			if err != nil {
				t.Fatalf("every invalid case needs a .want file: %v", err)
			}
			rel := "testdata/invalid/" + filepath.Base(file)
			_, err = engine.Compile(rel, data, &engine.CompileOptions{Assets: os.DirFS(filepath.Dir(file))})
			var ps schema.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("got %v, want layout problems", err)
			}
			got := strings.Split(ps.Error(), "\n")
			wantLines := strings.Split(strings.TrimSpace(string(want)), "\n")
			if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
			}
			for _, p := range ps {
				if p.Line == 0 || p.Column == 0 {
					t.Errorf("problem without a position: %v", p)
				}
			}
		})
	}
}
