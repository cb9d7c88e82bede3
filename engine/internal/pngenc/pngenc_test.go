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
			if _, isRGB := got.(*image.RGBA); tc.img.Opaque() != isRGB {
				t.Errorf("decoded as %T: an opaque card is RGB, any other RGBA", got)
			}
			b := tc.img.Bounds()
			for y := range b.Dy() {
				for x := range b.Dx() {
					want := color.NRGBAModel.Convert(tc.img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
					have := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
					if !closeEnough(want, have) {
						t.Fatalf("pixel %d,%d is %v, want %v", x, y, have, want)
					}
				}
			}
		})
	}
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
	img := photoLike(1200, 630, false)
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
