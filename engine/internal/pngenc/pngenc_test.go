package pngenc

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"
)

// photoLike is noise over gradients, the worst case for the filters.
func photoLike(w, h int, alpha bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if alpha {
				a = uint8(r.IntN(256))
			}
			c := color.NRGBA{uint8(x + r.IntN(9)), uint8(y*3 + r.IntN(9)), uint8(x ^ y), a}
			img.Set(x, y, c)
		}
	}
	// A flat band, where rows repeat and Up is chosen.
	for y := h / 2; y < h/2+3 && y < h; y++ {
		for x := range w {
			img.Set(x, y, color.RGBA{10, 20, 30, 255})
		}
	}
	return img
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name       string
		img        *image.RGBA
		libdeflate bool
	}{
		{"opaque", photoLike(61, 37, false), true},
		{"translucent", photoLike(61, 37, true), true},
		{"one pixel", photoLike(1, 1, false), true},
		{"opaque, compress/zlib", photoLike(61, 37, false), false},
		{"translucent, compress/zlib", photoLike(33, 9, true), false},
		{"sub-image", photoLike(80, 40, false).SubImage(image.Rect(13, 7, 60, 33)).(*image.RGBA), true},
		{"flat, opaque", flat(300, false), true},
		{"flat, translucent", flat(300, true), true},
		{"flat, compress/zlib", flat(300, true), false},
		{"flat sub-image", flat(300, false).SubImage(image.Rect(100, 5, 1100, 60)).(*image.RGBA), true},
		{"translucent in the last row only", translucentLastPixel(photoLike(61, 37, false)), true},
		{"flat, translucent in the last row only", translucentLastPixel(flat(300, false)), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.libdeflate && !useLibdeflate() {
				if os.Getenv("CI") != "" { // .ci/run installs it: missing there is a failure
					t.Fatal("CI must have libdeflate (Debian: libdeflate0)")
				}
				t.Skip("libdeflate is not installed (Debian: libdeflate0)")
			}
			if !tc.libdeflate {
				saved := useLibdeflate
				useLibdeflate = func() bool { return false }
				defer func() { useLibdeflate = saved }()
			}
			data, err := Encode(nil, tc.img, 1)
			if err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("image/png cannot read it: %v", err)
			}
			if got.Bounds().Size() != tc.img.Bounds().Size() {
				t.Fatalf("size %v, want %v", got.Bounds().Size(), tc.img.Bounds().Size())
			}
			_, isRGB := got.(*image.RGBA)
			_, isPaletted := got.(*image.Paletted)
			pal, _, _ := countColours(tc.img)
			switch {
			case pal != nil && !isPaletted:
				t.Errorf("decoded as %T: a card of at most 256 colours is a palette image", got)
			case pal == nil && tc.img.Opaque() != isRGB:
				t.Errorf("decoded as %T: an opaque card is RGB, any other RGBA", got)
			}
			samePixels(t, tc.img, got)
		})
	}
}

// translucentLastPixel makes img's last pixel half transparent, past the
// rows countColours reads before it gives up on a many-coloured card.
func translucentLastPixel(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	img.SetRGBA(b.Max.X-1, b.Max.Y-1, color.RGBA{40, 20, 10, 128})
	return img
}

func samePixels(t *testing.T, want *image.RGBA, got image.Image) {
	t.Helper()
	b := want.Bounds()
	for y := range b.Dy() {
		for x := range b.Dx() {
			w := color.NRGBAModel.Convert(want.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			have := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
			if !closeEnough(w, have) {
				t.Fatalf("pixel %d,%d is %v, want %v", x, y, have, w)
			}
		}
	}
}

// flat is a card of n colours (n <= 1200), in vertical stripes, with a
// translucent stripe when alpha is set.
func flat(n int, alpha bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 63))
	for x := range 1200 {
		k := x * n / 1200
		c := color.RGBA{uint8(k), uint8(k >> 8), 200, 255}
		if alpha && k == 0 {
			c = color.RGBA{40, 20, 10, 128} // premultiplied
		}
		for y := range 63 {
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// A flat card is told from a photo by its runs of one colour: the flat
// one is written unfiltered, the photo with Up.
func TestFlatIsToldFromAPhoto(t *testing.T) {
	if !isFlat(flat(300, false)) {
		t.Error("a card of vertical stripes is not flat")
	}
	if isFlat(photoLike(1200, 630, false)) {
		t.Error("a noisy photo is flat")
	}
	if isFlat(image.NewRGBA(image.Rect(0, 0, 0, 0))) {
		t.Error("an empty image is flat")
	}
	for _, tc := range []struct {
		img  *image.RGBA
		want byte
	}{{flat(300, false), ftNone}, {photoLike(120, 63, false), ftUp}} {
		raw := filtered(tc.img, 3, true, isFlat(tc.img))
		if got := (*raw)[1+3*tc.img.Bounds().Dx()]; got != tc.want {
			t.Errorf("second row filtered with %d, want %d", got, tc.want)
		}
		rawPool.Put(raw)
	}
}

// A card of up to 256 colours becomes a palette image, decoded to exactly
// the pixels the truecolour path gives; one more colour keeps it
// truecolour.
func TestPaletteWhenEveryPixelFits(t *testing.T) {
	for _, tc := range []struct {
		name    string
		img     *image.RGBA
		palette bool
	}{
		{"2 colours", flat(2, false), true},
		{"256 colours", flat(256, false), true},
		{"256 colours, one translucent", flat(256, true), true},
		{"257 colours", flat(257, false), false},
		{"a photo", photoLike(120, 60, false), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := Encode(nil, tc.img, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("image/png cannot read it: %v", err)
			}
			if _, ok := got.(*image.Paletted); ok != tc.palette {
				t.Errorf("decoded as %T, palette %v", got, tc.palette)
			}
			truecolour, err := png.Decode(bytes.NewReader(truecolourPNG(t, tc.img)))
			if err != nil {
				t.Fatal(err)
			}
			b := got.Bounds()
			for y := range b.Dy() {
				for x := range b.Dx() {
					if a, c := color.NRGBAModel.Convert(got.At(x, y)), color.NRGBAModel.Convert(truecolour.At(x, y)); a != c {
						t.Fatalf("pixel %d,%d is %v, the truecolour PNG has %v", x, y, a, c)
					}
				}
			}
		})
	}
}

// truecolourPNG encodes img without the palette path.
func truecolourPNG(t *testing.T, img *image.RGBA) []byte {
	t.Helper()
	raw := filtered(img, 4, false, false)
	defer rawPool.Put(raw)
	out, err := finish(header(nil, img.Bounds(), 6), *raw, 1)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// closeEnough allows the rounding of un-premultiplying a translucent pixel.
func closeEnough(a, b color.NRGBA) bool {
	if a.A != b.A {
		return false
	}
	if a.A == 0 {
		return true
	}
	tol := int(255/int(a.A)) + 1
	d := func(x, y uint8) bool { return max(int(x)-int(y), int(y)-int(x)) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

func BenchmarkEncode(b *testing.B) {
	for _, bc := range []struct {
		name string
		img  *image.RGBA
	}{{"photo", photoLike(1200, 630, false)}, {"flat", flat(200, false)}, {"flat truecolour", flat(300, false)}} {
		b.Run(bc.name, func(b *testing.B) { benchmarkEncode(b, bc.img) })
	}
}

func benchmarkEncode(b *testing.B, img *image.RGBA) {
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = Encode(out[:0], img, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "bytes")
}

// TestPackRGBKeepsColourAndBounds checks the two-pixel packing against a
// byte copy for every row length up to 20 pixels, and that it writes
// nothing past the packed row (the next row's filter byte lives there).
func TestPackRGBKeepsColourAndBounds(t *testing.T) {
	for n := 0; n <= 20; n++ {
		row := make([]byte, 4*n)
		for i := range row {
			row[i] = byte(7*i + 1)
		}
		dst := make([]byte, 3*n+4)
		for i := range dst {
			dst[i] = 0xee
		}
		packRGB(dst[:3*n], row)
		for k := range n {
			for c := range 3 {
				if dst[3*k+c] != row[4*k+c] {
					t.Fatalf("%d pixels: byte %d of pixel %d is %d, want %d", n, c, k, dst[3*k+c], row[4*k+c])
				}
			}
		}
		for i := 3 * n; i < len(dst); i++ {
			if dst[i] != 0xee {
				t.Fatalf("%d pixels: wrote past the row at %d", n, i)
			}
		}
	}
}

func BenchmarkPackRGB(b *testing.B) {
	row := make([]byte, 4*1200)
	dst := make([]byte, 3*1200)
	for b.Loop() {
		packRGB(dst, row)
	}
}
