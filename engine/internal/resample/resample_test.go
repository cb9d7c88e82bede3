package resample

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"sync"
	"testing"
)

// atOnly hides every method but those of image.Image, forcing the generic
// At fallback.
type atOnly struct{ image.Image }

// TestIdentityMatchesDraw checks that a same-size scale at an integer
// offset is an exact copy, equal to draw.Draw's conversion to RGBA, for
// every source type with a fast path and for the fallbacks.
func TestIdentityMatchesDraw(t *testing.T) {
	r := image.Rect(3, 5, 70, 46) // odd origin exercises chroma indexing
	alpha := randomNRGBA(r, 1)
	premul := image.NewRGBA(r)
	draw.Draw(premul, r, alpha, r.Min, draw.Src)
	opaque := randomNRGBA(r, 2)
	for i := 3; i < len(opaque.Pix); i += 4 {
		opaque.Pix[i] = 0xff
	}
	gray := image.NewGray(r)
	copy(gray.Pix, alpha.Pix)
	pal := image.NewPaletted(r, palette.Plan9)
	copy(pal.Pix, alpha.Pix)
	palAlpha := image.NewPaletted(r, color.Palette{color.Transparent, color.RGBA{200, 10, 30, 255}, color.NRGBA{9, 99, 199, 128}})
	for i := range palAlpha.Pix {
		palAlpha.Pix[i] = uint8(i % 3)
	}

	srcs := map[string]image.Image{
		"rgba": premul, "nrgba": alpha, "nrgba_opaque": opaque, "gray": gray,
		"paletted": pal, "paletted_alpha": palAlpha, "at_only": atOnly{alpha},
		"rgba64": toRGBA64(alpha), "ycbcr_negative_origin": randomYCbCr(image.Rect(-9, -4, 40, 30), image.YCbCrSubsampleRatio420, 3),
		"ycbcr_subimage": randomYCbCr(image.Rect(0, 0, 90, 70), image.YCbCrSubsampleRatio420, 4).SubImage(image.Rect(7, 9, 80, 61)),
	}
	for i, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		srcs["ycbcr_"+ratio.String()] = randomYCbCr(r, ratio, uint64(10+i))
	}
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			b := src.Bounds()
			for _, sr := range []image.Rectangle{
				b,
				image.Rect(b.Min.X+1, b.Min.Y+2, b.Max.X-3, b.Max.Y-1),
				image.Rect(b.Min.X+11, b.Min.Y+3, b.Max.X, b.Max.Y), // x >= 0 for negative origins
			} {
				dr := sr.Sub(sr.Min).Add(image.Pt(4, 2))
				got := filled(image.Rect(0, 0, 80, 60), color.RGBA{1, 2, 3, 4})
				want := filled(got.Rect, color.RGBA{1, 2, 3, 4})
				Scale(got, dr, src, sr)
				draw.Draw(want, dr, src, sr.Min, draw.Src)
				if !bytes.Equal(got.Pix, want.Pix) {
					mean, maxDiff := diffStats(got, want)
					t.Errorf("sr %v: identity scale differs from draw.Draw (mean %.3f, max %d)", sr, mean, maxDiff)
				}
			}
		})
	}
}

// toRGBA64 converts img so the RGBA64At fallback is exercised.
func toRGBA64(img image.Image) *image.RGBA64 {
	out := image.NewRGBA64(img.Bounds())
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}

// TestSolidColourIsExact checks that a uniform source scales to exactly
// that colour everywhere, including the border pixels where the kernel is
// truncated and renormalised, and that nothing outside dr is touched.
func TestSolidColourIsExact(t *testing.T) {
	opaque := color.RGBA{200, 100, 50, 255}
	half := color.RGBA{100, 50, 25, 128}
	ycc := image.NewYCbCr(image.Rect(0, 0, 161, 91), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = 140
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 90, 170
	}
	yr, yg, yb := color.YCbCrToRGB(140, 90, 170)
	srcs := []struct {
		name string
		src  image.Image
		want color.RGBA
	}{
		{"opaque_rgba", filled(image.Rect(0, 0, 161, 91), opaque), opaque},
		{"half_transparent_rgba", filled(image.Rect(0, 0, 161, 91), half), half},
		{"ycbcr", ycc, color.RGBA{yr, yg, yb, 255}},
	}
	geoms := []struct {
		name string
		dr   image.Rectangle
		f    [4]float64
	}{
		{"shrink", image.Rect(5, 5, 125, 72), [4]float64{0, 0, 161, 91}},
		{"shrink_4x", image.Rect(0, 0, 40, 23), [4]float64{0, 0, 161, 91}},
		{"enlarge", image.Rect(1, 2, 199, 150), [4]float64{10, 10, 60, 40}},
		{"fractional", image.Rect(3, 3, 150, 100), [4]float64{0.3, 0.7, 39.2, 29.9}},
	}
	for _, s := range srcs {
		for _, g := range geoms {
			dst := filled(image.Rect(0, 0, 200, 160), color.RGBA{9, 9, 9, 9})
			ScaleF(dst, g.dr, s.src, g.f[0], g.f[1], g.f[2], g.f[3])
			for y := range 160 {
				for x := range 200 {
					want := color.RGBA{9, 9, 9, 9}
					if image.Pt(x, y).In(g.dr) {
						want = s.want
					}
					if got := dst.RGBAAt(x, y); got != want {
						t.Fatalf("%s/%s: pixel (%d,%d) = %v, want %v", s.name, g.name, x, y, got, want)
					}
				}
			}
		}
	}
}

// TestAlpha checks that colour hidden under zero alpha never leaks out and
// that the premultiplied invariant (colour <= alpha) survives overshoot.
func TestAlpha(t *testing.T) {
	transparent := image.NewNRGBA(image.Rect(0, 0, 50, 40))
	for i := 0; i < len(transparent.Pix); i += 4 {
		transparent.Pix[i], transparent.Pix[i+1], transparent.Pix[i+2] = 255, 128, 7 // alpha stays 0
	}
	dst := filled(image.Rect(0, 0, 120, 90), color.RGBA{50, 60, 70, 255})
	Scale(dst, dst.Rect, transparent, transparent.Rect)
	for i, v := range dst.Pix {
		if v != 0 {
			t.Fatalf("transparent source: byte %d = %d, want 0", i, v)
		}
	}

	src := halfTransparent(300, 200)
	for _, size := range []image.Point{{120, 80}, {700, 500}, {301, 199}} {
		dst := image.NewRGBA(image.Rectangle{Max: size})
		Scale(dst, dst.Rect, src, src.Rect)
		translucent := 0
		for i := 0; i < len(dst.Pix); i += 4 {
			p := dst.Pix[i : i+4]
			if p[0] > p[3] || p[1] > p[3] || p[2] > p[3] {
				t.Fatalf("size %v: pixel %v breaks premultiplication", size, p)
			}
			if p[3] > 0 && p[3] < 255 {
				translucent++
			}
		}
		if translucent < len(dst.Pix)/8 {
			t.Errorf("size %v: only %d translucent pixels; alpha was lost", size, translucent)
		}
	}
}

// TestConcurrentUse runs many scales at once; with -race this also checks
// that the package has no shared mutable state beyond its pool.
func TestConcurrentUse(t *testing.T) {
	srcs := []image.Image{photo(300, 200), photoYCbCr(t, 300, 200), halfTransparent(300, 200)}
	sizes := []image.Point{{120, 63}, {450, 300}, {299, 201}}
	want := make([][]*image.RGBA, len(srcs))
	for i, src := range srcs {
		for _, sz := range sizes {
			dst := image.NewRGBA(image.Rectangle{Max: sz})
			Scale(dst, dst.Rect, src, src.Bounds())
			want[i] = append(want[i], dst)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 6 {
				i, j := (g+k)%len(srcs), (g*k)%len(sizes)
				dst := image.NewRGBA(image.Rectangle{Max: sizes[j]})
				Scale(dst, dst.Rect, srcs[i], srcs[i].Bounds())
				if !bytes.Equal(dst.Pix, want[i][j].Pix) {
					t.Errorf("goroutine %d: result for source %d size %v differs from serial run", g, i, sizes[j])
				}
			}
		})
	}
	wg.Wait()
}

// TestScaleFMatchesScale checks that integer float rectangles give the same
// result as Scale, and that a warm call does not allocate.
func TestScaleFMatchesScale(t *testing.T) {
	src := photoYCbCr(t, 160, 90)
	a := image.NewRGBA(image.Rect(0, 0, 120, 68))
	b := image.NewRGBA(a.Rect)
	Scale(a, a.Rect, src, image.Rect(4, 2, 150, 88))
	ScaleF(b, b.Rect, src, 4, 2, 150, 88)
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("ScaleF with integer coordinates differs from Scale")
	}
	if raceEnabled {
		return
	}
	if n := testing.AllocsPerRun(20, func() { Scale(a, a.Rect, src, src.Rect) }); n > 0 {
		t.Errorf("warm Scale allocates %.1f times per call, want 0", n)
	}
}

// TestOpaqueRGBAIsTheSame checks that vouching for an opaque source only
// skips the alpha scan: the pixels are those of the plain source.
func TestOpaqueRGBAIsTheSame(t *testing.T) {
	src := photo(160, 90)
	want := image.NewRGBA(image.Rect(0, 0, 120, 67))
	got := image.NewRGBA(want.Rect)
	Scale(want, want.Rect, src, src.Bounds())
	Scale(got, got.Rect, OpaqueRGBA{src}, src.Bounds())
	if !bytes.Equal(want.Pix, got.Pix) {
		t.Fatal("OpaqueRGBA changed the result")
	}
}
