package resample

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"
)

// TestWeirdRectangles checks degenerate and out-of-range rectangles: none
// may panic, and each has a defined effect.
func TestWeirdRectangles(t *testing.T) {
	src := photo(64, 48)
	bg := color.RGBA{7, 7, 7, 7}
	fresh := func() *image.RGBA { return filled(image.Rect(0, 0, 100, 80), bg) }
	pristine := fresh()

	noOps := map[string]func(dst *image.RGBA){
		"empty_dr": func(d *image.RGBA) { Scale(d, image.Rectangle{}, src, src.Rect) },
		"empty_sr": func(d *image.RGBA) { Scale(d, d.Rect, src, image.Rect(5, 5, 5, 20)) },
		"inverted_dr": func(d *image.RGBA) {
			Scale(d, image.Rectangle{Min: image.Pt(50, 50), Max: image.Pt(10, 10)}, src, src.Rect)
		},
		"inverted_sr": func(d *image.RGBA) {
			Scale(d, d.Rect, src, image.Rectangle{Min: image.Pt(30, 30), Max: image.Pt(2, 2)})
		},
		"dr_outside_dst": func(d *image.RGBA) { Scale(d, image.Rect(200, 0, 300, 80), src, src.Rect) },
		"sr_outside_src": func(d *image.RGBA) { Scale(d, d.Rect, src, image.Rect(-50, -50, -1, -1)) },
		"nan":            func(d *image.RGBA) { ScaleF(d, d.Rect, src, math.NaN(), 0, 10, 10) },
		"nil_src":        func(d *image.RGBA) { Scale(d, d.Rect, nil, image.Rect(0, 0, 1, 1)) },
		"empty_src":      func(d *image.RGBA) { Scale(d, d.Rect, image.NewRGBA(image.Rectangle{}), src.Rect) },
	}
	for name, f := range noOps {
		dst := fresh()
		f(dst)
		if !bytes.Equal(dst.Pix, pristine.Pix) {
			t.Errorf("%s: dst changed, want a no-op", name)
		}
	}
	Scale(nil, image.Rect(0, 0, 10, 10), src, src.Rect) // must not panic

	// Indices past a palette (At would panic) read as transparent.
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White})
	for i := range pal.Pix {
		pal.Pix[i] = 5
	}
	dst := fresh()
	Scale(dst, dst.Rect, pal, pal.Rect)
	if dst.RGBAAt(50, 40) != (color.RGBA{}) {
		t.Errorf("out-of-palette pixels: got %v, want transparent", dst.RGBAAt(50, 40))
	}

	// A 1x1 source fills the whole destination with its colour.
	one := image.NewNRGBA(image.Rect(3, 3, 4, 4))
	one.SetNRGBA(3, 3, color.NRGBA{10, 20, 30, 255})
	card := image.NewRGBA(image.Rect(0, 0, 1200, 630))
	Scale(card, card.Rect, one, one.Rect)
	for i := 0; i < len(card.Pix); i += 4 {
		if !bytes.Equal(card.Pix[i:i+4], []byte{10, 20, 30, 255}) {
			t.Fatalf("1x1 source: pixel %d = %v", i/4, card.Pix[i:i+4])
		}
	}

	// A one-row source gives identical rows.
	row := photo(3000, 1)
	Scale(card, card.Rect, row, row.Rect)
	for y := 1; y < 630; y++ {
		if !bytes.Equal(card.Pix[y*card.Stride:][:4*1200], card.Pix[:4*1200]) {
			t.Fatalf("3000x1 source: row %d differs from row 0", y)
		}
	}

	// A dr partly outside dst is a window onto the full-size result.
	full := image.NewRGBA(image.Rect(-40, -30, 140, 110))
	dr := image.Rect(-40, -30, 140, 110)
	Scale(full, dr, src, src.Rect)
	part := fresh()
	Scale(part, dr, src, src.Rect)
	for y := range 80 {
		for x := range 100 {
			if part.RGBAAt(x, y) != full.RGBAAt(x, y) {
				t.Fatalf("clipped dr: pixel (%d,%d) = %v, want %v", x, y, part.RGBAAt(x, y), full.RGBAAt(x, y))
			}
		}
	}

	// sr beyond the source, or infinite, is clipped to the source bounds.
	want := fresh()
	Scale(want, want.Rect, src, src.Rect)
	for name, f := range map[string]func(d *image.RGBA){
		"sr_overhang": func(d *image.RGBA) { Scale(d, d.Rect, src, image.Rect(-10, -10, 1000, 1000)) },
		"sr_infinite": func(d *image.RGBA) { ScaleF(d, d.Rect, src, math.Inf(-1), math.Inf(-1), math.Inf(1), math.Inf(1)) },
	} {
		got := fresh()
		f(got)
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%s: differs from scaling the clipped rectangle", name)
		}
	}

	// Gigantic rectangles only cost what the visible part costs, and a
	// Uniform source (with its near-infinite bounds) is a plain fill.
	huge := image.Rect(math.MinInt32, math.MinInt32, math.MaxInt32, math.MaxInt32)
	Scale(fresh(), huge, src, src.Rect)
	dst = fresh()
	Scale(dst, image.Rect(10, 10, 20, 20), image.NewUniform(color.NRGBA{255, 0, 0, 128}), huge)
	if got := dst.RGBAAt(15, 15); got != (color.RGBA{128, 0, 0, 128}) {
		t.Errorf("uniform source: got %v, want premultiplied half red", got)
	}
	if got := dst.RGBAAt(25, 15); got != bg {
		t.Errorf("uniform source: pixel outside dr changed to %v", got)
	}
}
