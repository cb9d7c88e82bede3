package engine_test

import (
	"context"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/engine/internal/imagetest"
)

func compile(t *testing.T, doc string) *engine.Template {
	t.Helper()
	tp, err := engine.Compile("test.json", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func TestRenderDataErrors(t *testing.T) {
	tp := compile(t, `{
		"fields": {"title": {"type": "string", "required": true, "maxLength": 5}, "n": {"type": "number"}, "c": {"type": "color"}},
		"layers": [{"type": "text", "text": "{{title}} {{n}}", "size": 20}]}`)
	for _, c := range []struct {
		data  engine.Data
		field string
	}{
		{engine.Data{}, "title"},
		{engine.Data{"title": "too long"}, "title"},
		{engine.Data{"title": "ok", "n": "many"}, "n"},
		{engine.Data{"title": "ok", "c": "plaid"}, "c"},
		{engine.Data{"title": []any{1}}, "title"},
	} {
		_, _, err := tp.Render(context.Background(), c.data, engine.RenderOptions{})
		var de *engine.DataError
		if !errors.As(err, &de) || de.Field != c.field {
			t.Errorf("data %v: got %v, want a DataError for %q", c.data, err, c.field)
		}
	}
}

func TestRenderStopsWhenContextEnds(t *testing.T) {
	tp := compile(t, `{"layers": [{"type": "rect", "fill": "#fff"}]}`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := tp.Render(ctx, nil, engine.RenderOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestGradientEndsAndMiddle(t *testing.T) {
	tp := compile(t, `{"canvas": {"width": 100, "height": 100, "background": "#ffffff"},
		"layers": [{"type": "gradient", "angle": 180, "stops": [{"color": "#000000", "at": 0}, {"color": "rgba(0,0,0,0)", "at": 1}]}]}`)
	img, _, err := tp.Render(context.Background(), nil, engine.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	top, mid, bottom := img.RGBAAt(50, 0), img.RGBAAt(50, 50), img.RGBAAt(50, 99)
	if top.R > 3 || bottom.R < 252 || mid.R < 120 || mid.R > 135 {
		t.Errorf("top %v, middle %v, bottom %v: want black fading to white through mid grey", top, mid, bottom)
	}
}

func TestMissingGlyphsAreReported(t *testing.T) {
	tp := compile(t, `{"layers": [{"type": "text", "text": "Hello \uE000 world", "size": 30}]}`)
	_, info, err := tp.Render(context.Background(), nil, engine.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Warnings) != 1 {
		t.Fatalf("warnings %v: want one naming U+E000", info.Warnings)
	}
}

func TestBudgetStepsQualityDown(t *testing.T) {
	img, _, err := load(t, "layouts/news.json").Render(context.Background(), referenceData, engine.RenderOptions{Images: loader})
	if err != nil {
		t.Fatal(err)
	}
	full, err := engine.Encode(img, engine.Output{Format: engine.JPEG, Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	budget := len(full.Data) * 2 / 3
	fit, err := engine.Encode(img, engine.Output{Format: engine.JPEG, Quality: 90, MaxBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	if fit.OverBudget || len(fit.Data) > budget || fit.Quality >= 90 {
		t.Errorf("budget %d: got %d bytes at quality %d (over budget %v)", budget, len(fit.Data), fit.Quality, fit.OverBudget)
	}
	tiny, _ := engine.Encode(img, engine.Output{Format: engine.WebP, Quality: 80, MaxBytes: 1024})
	if !tiny.OverBudget || tiny.Quality != 30 {
		t.Errorf("an impossible budget should report OverBudget at quality 30, got %v at %d", tiny.OverBudget, tiny.Quality)
	}
}

func TestEncodersRoundTrip(t *testing.T) {
	img, _, err := load(t, "layouts/news.json").Render(context.Background(), referenceData, engine.RenderOptions{Images: loader})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []engine.Format{engine.PNG, engine.WebP, engine.JPEG} {
		enc, err := engine.Encode(img, engine.Output{Format: f, Quality: 90})
		if err != nil {
			t.Fatal(err)
		}
		back, err := engine.DecodeImage(bytesReader(enc.Data), 0)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		res, _, err := imagetest.Compare(img, back, imagetest.Tolerance{PixelDelta: 48})
		if err != nil {
			t.Fatal(err)
		}
		// Lossy formats lose the photo's film grain; a wrong card is off by tens.
		if res.MeanDelta > 8 || (f == engine.PNG && res.MaxDelta != 0) {
			t.Errorf("%s: decoded card differs, mean %.2f max %d", f, res.MeanDelta, res.MaxDelta)
		}
	}
}

func TestDecodeRefusesPixelBombFromHeader(t *testing.T) {
	// A PNG header claiming 12000x12000 with no pixel data behind it.
	hdr := pngHeader(12000, 12000)
	_, err := engine.DecodeImage(bytesReader(hdr), 0)
	if !errors.Is(err, engine.ErrTooManyPixels) {
		t.Fatalf("got %v, want ErrTooManyPixels", err)
	}
	if _, err := engine.DecodeImage(bytesReader([]byte("<html>")), 0); !errors.Is(err, engine.ErrUnsupportedImage) {
		t.Errorf("got %v, want ErrUnsupportedImage", err)
	}
}

// Parallel renders of one template share fonts and compiled layers: run
// with -race, this is the test that catches a shared shaper cache.
func TestParallelRendersAgree(t *testing.T) {
	tp := load(t, "layouts/news.json")
	want, _, err := tp.Render(context.Background(), referenceData, engine.RenderOptions{Images: loader})
	if err != nil {
		t.Fatal(err)
	}
	titles := []string{"Budget 2025 Announced: Key Reforms in AI, Energy & Infra", "Tiny", referenceData["title"].(string)}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			d := engine.Data{"title": titles[i%len(titles)], "imageUrl": "testdata/bg.jpg", "brand": "NewsDaily"}
			img, _, err := tp.Render(context.Background(), d, engine.RenderOptions{Images: loader})
			if err != nil {
				t.Error(err)
				return
			}
			if i%len(titles) == 2 {
				if res, _, _ := imagetest.Compare(want, img, imagetest.Tolerance{}); res.DiffPixels != 0 {
					t.Errorf("render %d differs from the serial one in %d pixels", i, res.DiffPixels)
				}
			}
		})
	}
	wg.Wait()
}

func TestTransparentCardKeepsAlpha(t *testing.T) {
	tp := compile(t, `{"canvas": {"width": 64, "height": 64, "background": "transparent"},
		"layers": [{"type": "rect", "fill": "rgba(255, 0, 0, 0.5)", "box": {"width": 32}}]}`)
	img, _, _ := tp.Render(context.Background(), nil, engine.RenderOptions{})
	enc, err := engine.Encode(img, engine.Output{Format: engine.WebP, Quality: 100})
	if err != nil {
		t.Fatal(err)
	}
	back, err := engine.DecodeImage(bytesReader(enc.Data), 0)
	if err != nil {
		t.Fatal(err)
	}
	r, g, _, a := back.At(10, 10).RGBA()
	if a>>8 < 120 || a>>8 > 135 || r>>8 < 115 || g>>8 > 10 {
		t.Errorf("half-transparent red came back as %v", color.RGBA64Model.Convert(back.At(10, 10)))
	}
	if _, _, _, a := back.At(50, 10).RGBA(); a != 0 {
		t.Errorf("transparent area came back with alpha %d", a)
	}
}

// A layout may ship its own font files and name them as a family.
func TestLayoutLocalFont(t *testing.T) {
	ttf, err := os.ReadFile(filepath.Join(root, "fonts/NotoSerif-Bold.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"fonts": [{"src": "fonts/brand.ttf", "family": "Brand Serif"}],
		"layers": [{"type": "text", "text": "Local font", "size": 40, "font": {"family": "Brand Serif", "weight": 700}}]}`
	assets := fstest.MapFS{"fonts/brand.ttf": &fstest.MapFile{Data: ttf}}
	tp, err := engine.Compile("local.json", []byte(doc), &engine.CompileOptions{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tp.Render(context.Background(), nil, engine.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = engine.Compile("other.json", []byte(`{"layers": [{"type": "text", "text": "x", "size": 40, "font": {"family": "Brand Serif"}}]}`), nil)
	if err == nil || !strings.Contains(err.Error(), `no font family "Brand Serif"`) {
		t.Errorf("a layout's own font leaked to another layout: %v", err)
	}
}

// The template's hash changes with the layout and with its assets, so
// cache keys built on it never serve a stale card.
func TestHashFollowsLayoutAndAssets(t *testing.T) {
	doc := []byte(`{"layers": [{"type": "image", "src": "a.png"}]}`)
	png1, png2 := pngFile(color.RGBA{255, 0, 0, 255}), pngFile(color.RGBA{0, 0, 255, 255})
	h := func(doc []byte, asset []byte) string {
		tp, err := engine.Compile("h.json", doc, &engine.CompileOptions{Assets: fstest.MapFS{"a.png": &fstest.MapFile{Data: asset}}})
		if err != nil {
			t.Fatal(err)
		}
		return tp.Hash
	}
	base := h(doc, png1)
	if base != h(doc, png1) {
		t.Error("same inputs, different hash")
	}
	if base == h(doc, png2) {
		t.Error("changing an asset kept the hash")
	}
	if base == h([]byte(`{"layers": [{"type": "image", "src": "a.png", "fit": "contain"}]}`), png1) {
		t.Error("changing the layout kept the hash")
	}
}

// Mixed scripts render in parallel through shared font stacks: with
// -race, this covers the shaper caches of every fallback font and the
// emoji font's face pool.
func TestParallelMixedScriptRenders(t *testing.T) {
	tp := load(t, "testdata/layouts/i18n.json")
	titles := []string{
		"العلماء يكتشفون أخطبوطاً متوهجاً في أعماق البحر",
		"वैज्ञानिकों ने एक चमकता हुआ ऑक्टोपस खोजा",
		"Family 👨‍👩‍👧‍👦 flags 🇯🇵🇧🇷 skin 👍🏽",
		"科学家发现一种发光的深海章鱼",
		"Apple تطلق iOS 18.2 اليوم",
		"นักวิทยาศาสตร์ค้นพบปลาหมึกยักษ์เรืองแสง",
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			_, info, err := tp.Render(context.Background(), engine.Data{"title": titles[i%len(titles)]}, engine.RenderOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			for _, w := range info.Warnings {
				if !strings.Contains(w, "U+") {
					t.Errorf("unexpected warning: %s", w)
				}
			}
		})
	}
	wg.Wait()
}

func TestCacheKey(t *testing.T) {
	tp := load(t, "layouts/news.json")
	out := engine.Output{Format: engine.WebP, Quality: 80}
	key := func(d engine.Data, o engine.Output) string {
		k, err := tp.CacheKey(d, o)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(engine.Data{"title": "A", "brand": "B"}, out)
	if base != key(engine.Data{"brand": "B", "title": "A", "unused": "x"}, out) {
		t.Error("key depends on key order or undeclared fields")
	}
	for name, other := range map[string]string{
		"title":   key(engine.Data{"title": "A!", "brand": "B"}, out),
		"format":  key(engine.Data{"title": "A", "brand": "B"}, engine.Output{Format: engine.PNG, Quality: 80}),
		"quality": key(engine.Data{"title": "A", "brand": "B"}, engine.Output{Format: engine.WebP, Quality: 70}),
	} {
		if other == base {
			t.Errorf("changing the %s kept the key", name)
		}
	}
	if _, err := tp.CacheKey(engine.Data{}, out); err == nil {
		t.Error("missing required title: want a DataError")
	}
}

// TestPNGOverBudgetGoesOutAsJPEG: a crawler drops a picture over its
// limit, and a PNG has no quality to step down, so a PNG over budget is
// encoded as JPEG when the output says so, and only then.
func TestPNGOverBudgetGoesOutAsJPEG(t *testing.T) {
	img, _, err := load(t, "layouts/news.json").Render(context.Background(), referenceData, engine.RenderOptions{Images: loader})
	if err != nil {
		t.Fatal(err)
	}
	png, err := engine.Encode(img, engine.Output{Format: engine.PNG})
	if err != nil {
		t.Fatal(err)
	}
	budget := len(png.Data) / 2
	crawler := engine.Output{Format: engine.WebP, Quality: 80, MaxBytes: budget, Crawler: engine.PNG}.ForCrawler()
	got, err := engine.Encode(img, crawler)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != engine.JPEG || got.OverBudget || len(got.Data) > budget {
		t.Errorf("PNG over a %d-byte budget: got %s, %d bytes, over budget %v; want a JPEG under it", budget, got.Format, len(got.Data), got.OverBudget)
	}
	kept, _ := engine.Encode(img, engine.Output{Format: engine.PNG, MaxBytes: budget})
	if kept.Format != engine.PNG || !kept.OverBudget {
		t.Errorf("an explicit .png must stay PNG and report the budget: got %s, over budget %v", kept.Format, kept.OverBudget)
	}
	fits, _ := engine.Encode(img, engine.Output{Format: engine.PNG, MaxBytes: len(png.Data), OverBudget: engine.JPEG})
	if fits.Format != engine.PNG {
		t.Errorf("a PNG within budget was sent as %s", fits.Format)
	}
}
