package fonts

import (
	"os"
	"strings"
	"sync"
	"testing"
)

func TestDefaultRegistry(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		family string
		weight int
		italic bool
		want   string
	}{
		{"Noto Sans", 400, false, "Noto Sans 400"},
		{"noto sans", 700, false, "Noto Sans 700"},
		{"Noto Sans", 700, true, "Noto Sans 700 italic"},
		{"Noto Sans", 300, false, "Noto Sans 300"},
		{"Noto Sans", 500, false, "Noto Sans 500"},
		{"Noto Sans", 600, false, "Noto Sans 600"},
		{"Noto Sans", 800, false, "Noto Sans 800"},
		{"Noto Sans", 900, false, "Noto Sans 800"}, // no 900: the nearest lighter
		{"Noto Sans", 100, false, "Noto Sans 300"}, // no 100: the nearest heavier
		{"Noto Sans", 300, true, "Noto Sans 400 italic"},
		{"Noto Serif", 300, false, "Noto Serif 400"},
		{"Noto Serif", 500, false, "Noto Serif 400"}, // CSS: 500 looks lighter before heavier
		{"Noto Serif", 600, false, "Noto Serif 700"},
		{"Noto Serif", 900, false, "Noto Serif 700"},
		{"Noto Serif", 400, true, "Noto Serif 400"}, // no italic shipped: upright
	}
	for _, c := range cases {
		f, ok := r.Lookup(c.family, c.weight, c.italic)
		if !ok || f.String() != c.want {
			t.Errorf("Lookup(%q, %d, %v) = %v, want %s", c.family, c.weight, c.italic, f, c.want)
		}
	}
	if _, ok := r.Lookup("Comic Sans", 400, false); ok {
		t.Error("found a family that is not there")
	}
}

func TestCloneIsolatesAdditions(t *testing.T) {
	base, _ := Default()
	data, err := os.ReadFile("NotoSerif-Bold.ttf")
	if err != nil {
		t.Fatal(err)
	}
	c := base.Clone()
	if _, err := c.Add("Brand Serif", data); err != nil {
		t.Fatal(err)
	}
	if !c.HasFamily("Brand Serif") || base.HasFamily("Brand Serif") {
		t.Error("a font added to a clone must not show in the base registry")
	}
	if _, err := c.Add("", []byte("not a font")); err == nil {
		t.Error("garbage parsed as a font")
	}
}

// Shaping through one Font from many goroutines: run with -race.
func TestConcurrentShaping(t *testing.T) {
	r, _ := Default()
	f, _ := r.Lookup("Noto Sans", 700, false)
	stack, _ := r.Stack("Noto Sans", 700, false)
	want, _ := f.Advance("Concurrent shaping")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got, err := f.Advance("Concurrent shaping"); err != nil || got != want {
					t.Errorf("got %v, %v; want %v", got, err, want)
				}
				if _, err := stack.Line("Wa To AV مرحبا", 40, 1, false); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestArabicDoesNotPanic(t *testing.T) {
	r, _ := Default()
	f, _ := r.Lookup("Noto Sans", 400, false)
	// Before Direction was set, canvas panicked here; shape turns a panic
	// into an error, so an error is the failure to look for.
	if w, err := f.Advance("مرحبا بالعالم"); err != nil || w <= 0 {
		t.Errorf("shaping Arabic: width %v, err %v", w, err)
	}
}

// Every embedded font is registered from its file name and parsed on
// first use: the names must be the fonts' own, or a layout naming the
// family would find nothing.
func TestLazyFontsNamedAsTheirFiles(t *testing.T) {
	entries, err := embedded.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	lazy := 0
	for _, e := range entries {
		f := lazyEmbeddedFont(e.Name())
		if f == nil {
			if strings.HasSuffix(e.Name(), ".ttf") {
				t.Errorf("%s is parsed at start-up: name it in lazyTextFont or lazyScriptFont", e.Name())
			}
			continue
		}
		lazy++
		data, err := embedded.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := newFont(data)
		if err != nil {
			t.Fatal(err)
		}
		if f.Family != parsed.Family || f.Weight != parsed.Weight || f.Italic != parsed.Italic {
			t.Errorf("%s: registered as %s, the font says %s", e.Name(), f, parsed)
		}
	}
	if lazy < 50 {
		t.Errorf("%d embedded fonts load lazily, want every one", lazy)
	}
}

// TestWeightScoreFollowsCSS checks the order CSS Fonts 4 gives for a
// family that has every weight from 100 to 900.
func TestWeightScoreFollowsCSS(t *testing.T) {
	cases := map[int][]int{
		300: {300, 200, 100, 400, 500, 600, 700, 800, 900},
		400: {400, 500, 300, 200, 100, 600, 700, 800, 900},
		450: {500, 400, 300, 200, 100, 600, 700, 800, 900},
		500: {500, 400, 300, 200, 100, 600, 700, 800, 900},
		600: {600, 700, 800, 900, 500, 400, 300, 200, 100},
	}
	for want, order := range cases {
		for i := 1; i < len(order); i++ {
			if weightScore(want, order[i-1]) >= weightScore(want, order[i]) {
				t.Errorf("weight %d: %d should rank before %d", want, order[i-1], order[i])
			}
		}
	}
}

// A line's glyphs point at the font's cached outlines (one per glyph, so
// both e's of "beet" share one), placed and scaled for the size; the
// line's bounds cover them; the cache starts over past maxOutlines.
func TestLineGlyphsShareCachedOutlines(t *testing.T) {
	r, _ := Default()
	stack, _ := r.Stack("Noto Sans", 400, false)
	line, err := stack.Line("beet", 100, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(line.Glyphs) != 4 {
		t.Fatalf("%d glyphs, want 4", len(line.Glyphs))
	}
	if line.Glyphs[1].Path != line.Glyphs[2].Path || line.Glyphs[0].Path == line.Glyphs[1].Path {
		t.Error("the two e's do not share one outline, or b and e do")
	}
	for i := 1; i < 4; i++ {
		if line.Glyphs[i].X <= line.Glyphs[i-1].X {
			t.Errorf("glyph %d at x %v, not right of glyph %d at %v", i, line.Glyphs[i].X, i-1, line.Glyphs[i-1].X)
		}
	}
	b, ok := line.Bounds()
	if !ok || b.X0 < 0 || b.X1 > line.Width+1 || b.Y1 < 60 || b.Y1 > 100 || b.Y0 < -5 {
		t.Errorf("bounds %+v (found %v) of a 100 px line %v wide: want the ink of b (about 75 px above the baseline)", b, ok, line.Width)
	}
	if _, ok := (&Line{}).Bounds(); ok {
		t.Error("a line with no glyphs has bounds")
	}

	f, _ := r.Lookup("Noto Sans", 400, false)
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range uint16(maxOutlines + 10) {
		f.outline(id)
	}
	if n := len(f.outlines); n == 0 || n > maxOutlines {
		t.Errorf("%d outlines cached, want at most %d", n, maxOutlines)
	}
}
