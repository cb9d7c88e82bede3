package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/engine/internal/imagetest"
)

// corpusHeadline is one headline of testdata/multilingual/headlines.json.
type corpusHeadline struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	CJK   bool   `json:"cjk"`   // needs Noto Sans CJK from the system
	Mixed bool   `json:"mixed"` // mixed direction, checked against FriBidi too
}

// TestMultilingualCorpus renders every headline of the multilingual corpus
// in the news card without a photo and compares it with
// testdata/multilingual/golden/<name>.png; no glyph may be missing.
// Refresh with: go test ./engine -run TestMultilingualCorpus -update
func TestMultilingualCorpus(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "testdata/multilingual/headlines.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct{ Headlines []corpusHeadline }
	if err := json.Unmarshal(data, &corpus); err != nil {
		t.Fatal(err)
	}
	if len(corpus.Headlines) < 40 {
		t.Fatalf("%d headlines, want at least 40", len(corpus.Headlines))
	}
	tp := load(t, "layouts/news.json")
	for _, h := range corpus.Headlines {
		t.Run(h.Name, func(t *testing.T) {
			t.Parallel()
			if h.CJK {
				requireSystemFonts(t)
			}
			img, info, err := tp.Render(context.Background(), engine.Data{"title": h.Title, "brand": "NewsDaily"}, engine.RenderOptions{Images: loader})
			if err != nil {
				t.Fatal(err)
			}
			if len(info.Warnings) > 0 {
				t.Errorf("warnings: %v", info.Warnings)
			}
			imagetest.AssertGolden(t, filepath.Join(root, "testdata/multilingual/golden", h.Name+".png"), img, imagetest.DefaultTolerance)
		})
	}
}
