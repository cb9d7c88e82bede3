package resample

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// photo returns a deterministic photo-like opaque image: smooth colour
// gradients and a soft blob (low frequencies), hard-edged shapes and thin
// lines (high frequencies that expose ringing and aliasing) and per-pixel
// noise (sensor grain).
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	// Separable terms are tabulated so that large images build quickly.
	sinY, cosX := make([]float64, h), make([]float64, w)
	for y := range sinY {
		sinY[y] = 30 * math.Sin(float64(y)/float64(h)*9)
	}
	for x := range cosX {
		cosX[x] = 40 * math.Cos(float64(x)/float64(w)*7)
	}
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 200*fx + sinY[y]
			g := 180*fy + cosX[x]
			b := 120 + 100*math.Sin((fx+fy)*5)
			dx, dy := fx-0.6, fy-0.4
			if d := dx*dx + dy*dy; d < 0.04 {
				r, g = r+60*(1-d/0.04), g-40*(1-d/0.04)
			}
			if (x/max(w/8, 1)+y/max(h/6, 1))%2 == 0 && fx > 0.1 && fx < 0.3 {
				r, g, b = 250, 245, 240 // hard-edged checker band
			}
			if x%97 == 0 || y%61 == 0 {
				r, g, b = 10, 10, 20 // one-pixel dark lines
			}
			n := rng.NormFloat64() * 6
			img.SetRGBA(x, y, color.RGBA{sat(r + n), sat(g + n), sat(b + n), 255})
		}
	}
	return img
}

// sat rounds and saturates f to a byte.
func sat(f float64) uint8 {
	return uint8(math.Round(min(max(f, 0), 255)))
}

// photoYCbCr returns photo(w, h) round-tripped through the JPEG codec, which
// yields the 4:2:0 *image.YCbCr that real card backgrounds decode to.
func photoYCbCr(tb testing.TB, w, h int) *image.YCbCr {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photo(w, h), &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	y, ok := img.(*image.YCbCr)
	if !ok {
		tb.Fatalf("jpeg decoded to %T, want *image.YCbCr", img)
	}
	return y
}

// randomYCbCr returns a YCbCr image with random planes at an odd origin,
// so chroma indexing for every subsample ratio is exercised.
func randomYCbCr(r image.Rectangle, ratio image.YCbCrSubsampleRatio, seed uint64) *image.YCbCr {
	img := image.NewYCbCr(r, ratio)
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, plane := range [][]uint8{img.Y, img.Cb, img.Cr} {
		for i := range plane {
			plane[i] = uint8(rng.UintN(256))
		}
	}
	return img
}

// randomNRGBA returns an NRGBA image with random colour and alpha.
func randomNRGBA(r image.Rectangle, seed uint64) *image.NRGBA {
	img := image.NewNRGBA(r)
	rng := rand.New(rand.NewPCG(seed, 9))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.UintN(256))
	}
	return img
}

// diffStats returns the mean and maximum absolute per-channel difference of
// two equally sized RGBA images.
func diffStats(a, b *image.RGBA) (mean float64, maxDiff int) {
	sum := 0
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += d
		maxDiff = max(maxDiff, d)
	}
	return float64(sum) / float64(len(a.Pix)), maxDiff
}

// filled returns an RGBA image filled with c, used as a sentinel background
// to detect writes outside the destination rectangle.
func filled(r image.Rectangle, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(r)
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}
