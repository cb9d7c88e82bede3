package imagetest

import (
	"image"
	"image/color"
	"testing"
)

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func TestCompare(t *testing.T) {
	a := solid(10, 10, color.RGBA{100, 100, 100, 255})
	b := solid(10, 10, color.RGBA{104, 100, 100, 255})
	b.Pix[0] = 200 // one pixel far off
	res, _, err := Compare(a, b, Tolerance{PixelDelta: 8})
	if err != nil {
		t.Fatal(err)
	}
	if res.DiffPixels != 1 || res.MaxDelta != 100 || res.Total != 100 {
		t.Errorf("got %+v, want 1 differing pixel of 100 with max delta 100", res)
	}
	if _, _, err := Compare(a, solid(5, 5, color.RGBA{}), DefaultTolerance); err == nil {
		t.Error("images of different sizes compared equal")
	}
}
