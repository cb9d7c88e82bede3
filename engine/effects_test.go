package engine

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/ogcard/ogcard/engine/internal/imagetest"
	"github.com/ogcard/ogcard/engine/internal/resample"
)

func TestBlendKnownColours(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     blendMode
		src, dst color.RGBA // premultiplied
		want     color.RGBA
	}{
		{"multiply", blendMultiply, color.RGBA{255, 128, 0, 255}, color.RGBA{128, 128, 128, 255}, color.RGBA{128, 64, 0, 255}},
		{"multiply by white is identity", blendMultiply, color.RGBA{255, 255, 255, 255}, color.RGBA{200, 100, 50, 255}, color.RGBA{200, 100, 50, 255}},
		{"multiply by half-transparent black halves", blendMultiply, color.RGBA{0, 0, 0, 128}, color.RGBA{200, 100, 50, 255}, color.RGBA{100, 50, 25, 255}},
		{"screen", blendScreen, color.RGBA{255, 128, 0, 255}, color.RGBA{128, 128, 128, 255}, color.RGBA{255, 192, 128, 255}},
		{"screen with black is identity", blendScreen, color.RGBA{0, 0, 0, 255}, color.RGBA{200, 100, 50, 255}, color.RGBA{200, 100, 50, 255}},
		// Overlay: multiply where the backdrop is dark, screen where light.
		{"overlay", blendOverlay, color.RGBA{128, 128, 128, 255}, color.RGBA{64, 192, 128, 255}, color.RGBA{64, 192, 128, 255}},
		{"overlay dark backdrop", blendOverlay, color.RGBA{255, 0, 255, 255}, color.RGBA{64, 64, 0, 255}, color.RGBA{128, 0, 0, 255}},
		// Over nothing, any mode is the source itself.
		{"multiply over transparent", blendMultiply, color.RGBA{100, 50, 25, 200}, color.RGBA{}, color.RGBA{100, 50, 25, 200}},
		{"overlay over transparent", blendOverlay, color.RGBA{100, 50, 25, 200}, color.RGBA{}, color.RGBA{100, 50, 25, 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := []uint8{tc.dst.R, tc.dst.G, tc.dst.B, tc.dst.A}
			blendPixel(d, []uint8{tc.src.R, tc.src.G, tc.src.B, tc.src.A}, tc.mode)
			if got := (color.RGBA{d[0], d[1], d[2], d[3]}); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestBlendMatchesSpec compares the integer blend with the W3C formula
// in floating point, unpremultiplied, over random colours and alphas.
func TestBlendMatchesSpec(t *testing.T) {
	funcs := map[blendMode]func(cb, cs float64) float64{
		blendMultiply: func(cb, cs float64) float64 { return cb * cs },
		blendScreen:   func(cb, cs float64) float64 { return cb + cs - cb*cs },
		blendOverlay: func(cb, cs float64) float64 { // HardLight(Cs, Cb) with the roles swapped
			if cb <= 0.5 {
				return cs * 2 * cb
			}
			return 1 - (1-cs)*(1-(2*cb-1))
		},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for mode, B := range funcs {
		for range 20000 {
			as, ab := float64(rng.IntN(256))/255, float64(rng.IntN(256))/255
			var s, d [4]uint8
			s[3], d[3] = uint8(math.Round(as*255)), uint8(math.Round(ab*255))
			var Cs, Cb [3]float64
			for c := range 3 {
				Cs[c], Cb[c] = rng.Float64(), rng.Float64()
				s[c], d[c] = uint8(math.Round(Cs[c]*as*255)), uint8(math.Round(Cb[c]*ab*255))
			}
			got := d
			blendPixel(got[:], s[:], mode)
			ao := as + ab*(1-as)
			if math.Abs(float64(got[3])-ao*255) > 1 {
				t.Fatalf("mode %d: alpha %d, want %.1f", mode, got[3], ao*255)
			}
			for c := range 3 {
				// Premultiplied values have lost precision already, so compare
				// with the formula on the colours they stand for.
				cs, cb := float64(s[c])/255, float64(d[c])/255
				ucs, ucb := unpremul(cs, as), unpremul(cb, ab)
				want := cs*(1-ab) + cb*(1-as) + as*ab*B(ucb, ucs)
				if math.Abs(float64(got[c])-want*255) > 1.5 {
					t.Fatalf("mode %d: src %v dst %v channel %d = %d, want %.2f", mode, s, d, c, got[c], want*255)
				}
			}
		}
	}
}

func unpremul(c, a float64) float64 {
	if a == 0 {
		return 0
	}
	return min(c/a, 1)
}

func TestBlurKeepsEnergy(t *testing.T) {
	a := image.NewAlpha(image.Rect(0, 0, 200, 160))
	var before int
	for y := 60; y < 100; y++ {
		for x := 70; x < 130; x++ {
			a.Pix[y*a.Stride+x] = 200
			before += 200
		}
	}
	boxBlur(a, 20)
	after := 0
	for _, v := range a.Pix {
		after += int(v)
	}
	if change := float64(after-before) / float64(before); math.Abs(change) > 0.005 {
		t.Errorf("blur changed the mask's total from %d to %d (%+.2f%%), want within 0.5%%", before, after, change*100)
	}
	if a.Pix[80*a.Stride+100] == 200 || a.Pix[80*a.Stride+60] == 0 {
		t.Error("the blur did not spread the block")
	}
}

// TestBlurSpreadsLikeGaussian blurs a point and checks its spread (the
// standard deviation of the result) against the asked sigma.
func TestBlurSpreadsLikeGaussian(t *testing.T) {
	for _, sigma := range []float64{2, 6, 15, 30} {
		n := int(8*sigma) + 1
		img := image.NewRGBA(image.Rect(0, 0, n, 3))
		pl := plane{img.Pix, img.Stride, n, 3, 4}
		c := n / 2
		for y := range 3 { // a red line across the middle column

			img.Pix[img.PixOffset(c, y)] = 255
		}
		blurPlane(pl, boxRadius(sigma))
		var sum, m2 float64
		for x := range n {
			v := float64(img.Pix[img.PixOffset(x, 1)])
			sum += v
			m2 += v * float64((x-c)*(x-c))
		}
		if got := math.Sqrt(m2 / sum); math.Abs(got-sigma) > 0.1*sigma+0.5 {
			t.Errorf("sigma %v: the blurred point spreads with sigma %.2f", sigma, got)
		}
	}
}

// TestBlurredPictureKeepsEdges: a uniform picture stays exactly uniform,
// so a blurred cover photo has no dark or transparent rim.
func TestBlurredPictureKeepsEdges(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 90, 50))
	fillRGBA(img, img.Bounds(), color.RGBA{40, 120, 200, 255})
	blurPicture(img, 12)
	for i := 0; i < len(img.Pix); i += 4 {
		if got := (color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]}); got != (color.RGBA{40, 120, 200, 255}) {
			t.Fatalf("pixel %d is %v after the blur", i/4, got)
		}
	}
}

func TestMorphGrowsAndShrinks(t *testing.T) {
	a := image.NewAlpha(image.Rect(0, 0, 11, 11))
	a.Pix[5*11+5] = 255
	morph(a, 2, true)
	for y := range 11 {
		for x := range 11 {
			in := x >= 3 && x <= 7 && y >= 3 && y <= 7
			if (a.Pix[y*11+x] == 255) != in {
				t.Fatalf("after growing by 2, pixel %d,%d = %d", x, y, a.Pix[y*11+x])
			}
		}
	}
	morph(a, 2, false)
	for i, v := range a.Pix {
		if (v == 255) != (i == 5*11+5) {
			t.Fatalf("after shrinking back, pixel %d = %d", i, v)
		}
	}
}

func TestCornerRadii(t *testing.T) {
	for _, tc := range []struct {
		k      corners
		w, h   float64
		rx, ry float64
	}{
		{corners{value: 24}, 200, 100, 24, 24},
		{corners{value: 999}, 200, 100, 50, 50},
		{corners{value: 50, percent: true}, 200, 100, 100, 50},
		{corners{value: 25, percent: true}, 200, 100, 50, 25},
		{corners{value: 50, percent: true}, 80, 80, 40, 40},
	} {
		if rx, ry := tc.k.radii(tc.w, tc.h); rx != tc.rx || ry != tc.ry {
			t.Errorf("%+v on %vx%v: %v, %v; want %v, %v", tc.k, tc.w, tc.h, rx, ry, tc.rx, tc.ry)
		}
	}
}

// TestRectShadowSpread renders an unblurred, spread, offset shadow and
// checks the pixels at its edges.
func TestRectShadowSpread(t *testing.T) {
	doc := `{"canvas": {"width": 100, "height": 100, "background": "#ffffff"}, "layers": [
		{"type": "rect", "box": {"x": 30, "y": 30, "width": 40, "height": 40}, "fill": "#0000ff",
		 "shadow": {"color": "#ff0000", "x": 5, "y": 0, "blur": 0, "spread": 4}}]}`
	tp, err := Compile("t.json", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := tp.Render(context.Background(), nil, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	red, white, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 255, 255}
	for _, p := range []struct {
		x, y int
		want color.RGBA
	}{
		{50, 50, blue},
		{72, 50, red},   // right of the box: shadow (30+40+5+4 = 79)
		{78, 50, red},   // its last column
		{79, 50, white}, // beyond it
		{28, 50, white}, // left: the offset moved the shadow away (30-4+5 = 31)
		{29, 50, white}, // just left of the box
		{50, 27, red},   // above: spread 4 reaches y 26
		{50, 25, white},
	} {
		if got := img.RGBAAt(p.x, p.y); got != p.want {
			t.Errorf("pixel %d,%d = %v, want %v", p.x, p.y, got, p.want)
		}
	}
}

// BenchmarkBlurredPicture scales the reference photo to a full card, as
// a blurred background does, without a blur (the cost of any photo) and
// with two blurs.
func BenchmarkBlurredPicture(b *testing.B) {
	photo := referencePhoto(b)
	w, h := 1200, 630
	sb := photo.Bounds()
	b.Run("no-blur", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := image.NewRGBA(image.Rect(0, 0, w, h))
			resample.ScaleF(out, out.Rect, photo, 0, 0, float64(sb.Dx()), float64(sb.Dy()))
		}
	})
	for _, sigma := range []float64{3, 8, 24} {
		b.Run("sigma="+strconv.Itoa(int(sigma)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				blurredPicture(w, h, photo, sigma, 0, 0, float64(sb.Dx()), float64(sb.Dy()))
			}
		})
	}
	b.Run("sigma=24-full-size", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := image.NewRGBA(image.Rect(0, 0, w, h))
			resample.ScaleF(out, out.Rect, photo, 0, 0, float64(sb.Dx()), float64(sb.Dy()))
			blurPicture(out, 24)
		}
	})
}

func referencePhoto(tb testing.TB) image.Image {
	tb.Helper()
	data, err := os.ReadFile("../testdata/bg.jpg")
	if err != nil {
		tb.Fatal(err)
	}
	img, err := DecodeImage(bytes.NewReader(data), 0)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// TestReducedBlurMatchesFullSize: blurring a shrunk copy and scaling it
// back up looks like blurring at full size.
func TestReducedBlurMatchesFullSize(t *testing.T) {
	photo := referencePhoto(t)
	sb := photo.Bounds()
	w, h := 600, 315
	full := image.NewRGBA(image.Rect(0, 0, w, h))
	resample.ScaleF(full, full.Rect, photo, 0, 0, float64(sb.Dx()), float64(sb.Dy()))
	blurPicture(full, 16)
	reduced := blurredPicture(w, h, photo, 16, 0, 0, float64(sb.Dx()), float64(sb.Dy()))
	res, _, err := imagetest.Compare(full, reduced, imagetest.Tolerance{PixelDelta: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full size vs reduced: mean %.2f, max %d levels", res.MeanDelta, res.MaxDelta)
	if res.MeanDelta > 1 || res.MaxDelta > 10 {
		t.Errorf("reduced blur differs from the full-size one: %+v", res)
	}
}

func BenchmarkShadow(b *testing.B) {
	dst := image.NewRGBA(image.Rect(0, 0, 1200, 630))
	st := &renderState{dst: dst}
	box := roundedBox{rect{300, 150, 600, 330}, corners{value: 24}}
	for _, blur := range []float64{8, 32} {
		sh := []*shadow{{color: colorValue{literal: color.RGBA{0, 0, 0, 90}}, dy: 12, blurRadius: blur, spread: 4}}
		b.Run("blur="+strconv.Itoa(int(blur)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				drawShadows(st, sh, box, 1)
			}
		})
	}
}

// BenchmarkBoxBlur blurs a mask the size of the news card's headline
// shadow (blur 6), as every text shadow does.
func BenchmarkBoxBlur(b *testing.B) {
	src := image.NewAlpha(image.Rect(0, 0, 1100, 200))
	for i := range src.Pix {
		if (i/7)%3 == 0 {
			src.Pix[i] = 255
		}
	}
	a := image.NewAlpha(src.Rect)
	b.ReportAllocs()
	for b.Loop() {
		copy(a.Pix, src.Pix)
		boxBlur(a, 6)
	}
}

// TestMorphMatchesNaive compares the running extreme with a plain loop
// over each window, on random masks.
func TestMorphMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, grow := range []bool{true, false} {
		for r := 1; r <= 7; r++ {
			a := image.NewAlpha(image.Rect(0, 0, 23, 17))
			for i := range a.Pix {
				a.Pix[i] = uint8(rng.IntN(256))
			}
			want := naiveMorph(a, r, grow)
			morph(a, r, grow)
			for i := range a.Pix {
				if a.Pix[i] != want[i] {
					t.Fatalf("grow %v, r %d: pixel %d = %d, want %d", grow, r, i, a.Pix[i], want[i])
				}
			}
		}
	}
}

func naiveMorph(a *image.Alpha, r int, grow bool) []uint8 {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	out := make([]uint8, len(a.Pix))
	for y := range h {
		for x := range w {
			v := a.Pix[y*a.Stride+x]
			for yy := max(y-r, 0); yy <= min(y+r, h-1); yy++ {
				for xx := max(x-r, 0); xx <= min(x+r, w-1); xx++ {
					if p := a.Pix[yy*a.Stride+xx]; (grow && p > v) || (!grow && p < v) {
						v = p
					}
				}
			}
			out[y*a.Stride+x] = v
		}
	}
	return out
}
