package engine_test

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/engine/internal/imagetest"
)

// TestLayoutBringsItsOwnWeights gives a layout two weights of a family in
// its "fonts" entries and checks that a text asking for a weight in
// between draws with the face CSS font matching picks: the same pixels as
// the built-in face of that weight.
func TestLayoutBringsItsOwnWeights(t *testing.T) {
	assets := fstest.MapFS{}
	for _, name := range []string{"NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf"} {
		data, err := os.ReadFile(filepath.Join(root, "fonts", name))
		if err != nil {
			t.Fatal(err)
		}
		assets["fonts/"+name] = &fstest.MapFile{Data: data}
	}
	card := func(family string, weight int) []byte {
		return fmt.Appendf(nil, `{"canvas": {"width": 400, "height": 80},
			"fonts": [{"src": "fonts/NotoSerif-Regular.ttf", "family": "Brand"}, {"src": "fonts/NotoSerif-Bold.ttf", "family": "Brand"}],
			"layers": [{"type": "text", "text": "Quick brown fox", "size": 40, "font": {"family": %q, "weight": %d}}]}`, family, weight)
	}
	for _, c := range []struct{ asked, drawn int }{{400, 400}, {500, 400}, {600, 700}, {900, 700}, {300, 400}} {
		got := render(t, card("Brand", c.asked), assets)
		want := render(t, card("Noto Serif", c.drawn), assets)
		res, _, err := imagetest.Compare(want, got, imagetest.DefaultTolerance)
		if err != nil || res.DiffPixels > 0 {
			t.Errorf("Brand at %d: %d pixels differ from Noto Serif %d (%v)", c.asked, res.DiffPixels, c.drawn, err)
		}
	}
}

func render(t *testing.T, doc []byte, assets fstest.MapFS) *image.RGBA {
	t.Helper()
	tp, err := engine.Compile("weights.json", doc, &engine.CompileOptions{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := tp.Render(context.Background(), nil, engine.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return img
}
