package emoji

import (
	"errors"
	"image"
	"math"
	"os"
	"sync"
	"testing"
)

// notoPath is the copy of Noto Color Emoji that package fonts embeds.
const notoPath = "../coloremoji/NotoColorEmoji.ttf"

var (
	notoOnce sync.Once
	notoFont *Font
	notoErr  error
)

// noto loads Noto Color Emoji once.
func noto(tb testing.TB) *Font {
	tb.Helper()
	notoOnce.Do(func() {
		data, err := os.ReadFile(notoPath)
		if err != nil {
			notoErr = err
			return
		}
		notoFont, notoErr = Load(data)
	})
	if notoErr != nil {
		tb.Fatalf("Load(%s): %v", notoPath, notoErr)
	}
	return notoFont
}

// sequences must each shape to exactly one glyph.
var sequences = []string{"😀", "👨‍👩‍👧‍👦", "👍🏽", "🇯🇵", "1️⃣", "🏳️‍🌈"}

// shapeOne shapes s and requires exactly one real glyph.
func shapeOne(t *testing.T, f *Font, s string) Glyph {
	t.Helper()
	gs, err := f.Shape(s)
	if err != nil {
		t.Fatalf("Shape(%q): %v", s, err)
	}
	if len(gs) != 1 {
		t.Fatalf("Shape(%q) = %d glyphs %+v, want 1", s, len(gs), gs)
	}
	if gs[0].ID == 0 || gs[0].Cluster != 0 {
		t.Fatalf("Shape(%q) = %+v, want a non-.notdef glyph at cluster 0", s, gs[0])
	}
	return gs[0]
}

func TestLoadRejectsNonColourFonts(t *testing.T) {
	if _, err := Load(nil); err == nil {
		t.Error("Load(nil) succeeded")
	}
	if _, err := Load([]byte("definitely not a font file")); err == nil {
		t.Error("Load(garbage) succeeded")
	}
	data, err := os.ReadFile("../NotoSans-Regular.ttf")
	if err != nil {
		t.Skipf("no outline font to test with: %v", err)
	}
	if _, err := Load(data); !errors.Is(err, ErrNoColorBitmaps) {
		t.Errorf("Load(NotoSans) error = %v, want ErrNoColorBitmaps", err)
	}
}

func TestHas(t *testing.T) {
	f := noto(t)
	for _, r := range []rune{'😀', '🚀', '❤', 0x1F1EF} {
		if !f.Has(r) {
			t.Errorf("Has(%U) = false", r)
		}
	}
	for _, r := range []rune{'A', 'é', '中', -1, 0x10FFFF + 1} {
		if f.Has(r) {
			t.Errorf("Has(%U) = true", r)
		}
	}
}

func TestShapeSequencesAreOneGlyph(t *testing.T) {
	f := noto(t)
	seen := map[uint16]string{}
	for _, s := range sequences {
		g := shapeOne(t, f, s)
		if prev, dup := seen[g.ID]; dup {
			t.Errorf("Shape(%q) and Shape(%q) share glyph %d", s, prev, g.ID)
		}
		seen[g.ID] = s
		// Noto's advance is 2550/2048 em; any emoji font is near one em.
		if g.Advance < 0.8 || g.Advance > 1.5 {
			t.Errorf("Shape(%q) advance = %v em", s, g.Advance)
		}
	}
}

func TestShapeTagFlag(t *testing.T) {
	f := noto(t)
	scotland := "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"
	if !f.Has(0xE0067) {
		t.Skip("font has no tag characters")
	}
	if g, b := shapeOne(t, f, scotland), shapeOne(t, f, "🏴"); g.ID == b.ID {
		t.Errorf("Scotland flag shaped to the plain black flag glyph %d", g.ID)
	}
}

func TestShapeSeparatesClusters(t *testing.T) {
	f := noto(t)
	gs, err := f.Shape("👍👍🏽")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 {
		t.Fatalf("Shape(👍👍🏽) = %+v, want 2 glyphs", gs)
	}
	if gs[0].ID == gs[1].ID {
		t.Errorf("plain and toned thumbs share glyph %d", gs[0].ID)
	}
	if gs[0].Cluster != 0 || gs[1].Cluster != len("👍") {
		t.Errorf("clusters = %d, %d; want 0, %d", gs[0].Cluster, gs[1].Cluster, len("👍"))
	}
}

func TestShapeMissingAndInvalid(t *testing.T) {
	f := noto(t)
	gs, err := f.Shape("a")
	if err != nil || len(gs) != 1 || gs[0].ID != 0 {
		t.Fatalf("Shape(a) = %+v, %v; want one .notdef glyph", gs, err)
	}
	if _, _, err := f.Image(gs[0].ID, 50); !errors.Is(err, ErrNoBitmap) {
		t.Errorf("Image(.notdef) error = %v, want ErrNoBitmap", err)
	}
	if _, err := f.Shape("\xff😀"); err == nil {
		t.Error("Shape(invalid UTF-8) succeeded")
	}
	if gs, err := f.Shape(""); err != nil || len(gs) != 0 {
		t.Errorf("Shape(\"\") = %v, %v", gs, err)
	}
}

// checkPixels asserts premultiplication and reports whether the image has
// colour.
func checkPixels(t *testing.T, name string, img *image.RGBA) bool {
	t.Helper()
	colourful := false
	for i := 0; i < len(img.Pix); i += 4 {
		r, g, b, a := img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]
		if r > a || g > a || b > a {
			t.Fatalf("%s: pixel %d = %v not premultiplied", name, i/4, img.Pix[i:i+4])
		}
		if a > 0 && (r != g || g != b) {
			colourful = true
		}
	}
	return colourful
}

func TestImagePlacement(t *testing.T) {
	f := noto(t)
	const size = 50.0
	for _, s := range sequences {
		g := shapeOne(t, f, s)
		img, off, err := f.Image(g.ID, size)
		if err != nil {
			t.Fatalf("Image(%q): %v", s, err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		// Noto's bitmaps are as wide as the advance (1.245 em), so the image
		// tracks the advance, and stays within a loose band around one em.
		if want := g.Advance * size; math.Abs(float64(w)-want) > 0.2*want {
			t.Errorf("%q: width %d, want about %.1f (advance)", s, w, want)
		}
		if w < int(0.8*size) || w > int(1.4*size) || h < int(0.8*size) || h > int(1.4*size) {
			t.Errorf("%q: %dx%d px at %v px", s, w, h, size)
		}
		// Noto's ascent is 0.93 em and its bitmaps reach 0.24 em below.
		if off.Y >= 0 || -off.Y < int(0.6*size) || -off.Y > int(1.1*size) {
			t.Errorf("%q: offset.Y = %d, want the top 0.6-1.1 em above the baseline", s, off.Y)
		}
		if bottom := off.Y + h; bottom < 0 || bottom > int(0.35*float64(h)) {
			t.Errorf("%q: bottom %d px below baseline, want 0..35%% of %d", s, bottom, h)
		}
		if off.X < -int(0.1*size) || off.X > int(0.1*size) {
			t.Errorf("%q: offset.X = %d", s, off.X)
		}
		// Noto draws the family in grey, so only some must be colourful.
		if !checkPixels(t, s, img) && s != "👨‍👩‍👧‍👦" {
			t.Errorf("%q: no colourful pixel", s)
		}
	}
}

func TestImageScalesWithSize(t *testing.T) {
	f := noto(t)
	g := shapeOne(t, f, "🚀")
	for _, size := range []float64{9, 24, 50.3, 109, 160, 300} {
		img, off, err := f.Image(g.ID, size)
		if err != nil {
			t.Fatalf("Image(%v): %v", size, err)
		}
		if want := g.Advance * size; math.Abs(float64(img.Bounds().Dx())-want) > 1.5 {
			t.Errorf("size %v: width %d, want %.1f", size, img.Bounds().Dx(), want)
		}
		if off.Y >= 0 {
			t.Errorf("size %v: offset.Y = %d, want negative", size, off.Y)
		}
		if !checkPixels(t, "🚀", img) {
			t.Errorf("size %v: no colourful pixel", size)
		}
	}
}

func TestImageCachesAndValidates(t *testing.T) {
	f := noto(t)
	g := shapeOne(t, f, "😀")
	a, _, err := f.Image(g.ID, 42)
	if err != nil {
		t.Fatal(err)
	}
	// 42.05 rounds to the same quarter pixel, so it must hit the cache.
	if b, _, _ := f.Image(g.ID, 42.05); b != a {
		t.Error("Image(42.05) did not reuse the cached Image(42)")
	}
	if c, _, _ := f.Image(g.ID, 43); c == a {
		t.Error("Image(43) returned the image cached for 42")
	}
	for _, size := range []float64{0, -3, math.NaN(), math.Inf(1), 1e6} {
		if _, _, err := f.Image(g.ID, size); err == nil {
			t.Errorf("Image(size %v) succeeded", size)
		}
	}
	if _, _, err := f.Image(math.MaxUint16, 50); err == nil {
		t.Error("Image(65535) succeeded")
	}
}

func TestConcurrentShapeAndImage(t *testing.T) {
	f := noto(t)
	want := map[string]uint16{}
	for _, s := range sequences {
		want[s] = shapeOne(t, f, s).ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				s := sequences[(w+i)%len(sequences)]
				gs, err := f.Shape(s)
				if err != nil || len(gs) != 1 || gs[0].ID != want[s] {
					errs <- errors.New("concurrent Shape disagreed with serial Shape for " + s)
					return
				}
				// Vary sizes so goroutines race on both cache misses and hits.
				if _, _, err := f.Image(gs[0].ID, float64(20+(w*7+i)%30)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
