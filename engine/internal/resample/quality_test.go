package resample

import (
	"image"
	"image/color"
	"math"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// TestMatchesXDrawCatmullRom compares against golang.org/x/image/draw's
// CatmullRom, which computes in float64 from 16-bit source values.
//
// Bounds: our pipeline rounds source pixels to 8 bits (x/image reads YCbCr
// at 16 bits: up to 0.5 level), quantises weights to 12-14 bits and keeps 7
// fractional bits between passes (well under 0.1 level), and rounds the
// result (0.5 level). The source error can be amplified by the kernels'
// sum of |weights| (< 1.25 per pass), so a pixel may be off by 2 levels at
// worst; on average the errors are unbiased and far below one level.
func TestMatchesXDrawCatmullRom(t *testing.T) {
	big := photo(4000, 3000)
	cases := []struct {
		name   string
		src    image.Image
		sr     image.Rectangle
		dw, dh int
	}{
		{"ycbcr_1600x900_to_1200x675", photoYCbCr(t, 1600, 900), image.Rect(0, 0, 1600, 900), 1200, 675},
		{"rgba_1600x900_to_1200x675", photo(1600, 900), image.Rect(0, 0, 1600, 900), 1200, 675},
		{"rgba_4000x3000_region_to_1200x630", big, image.Rect(200, 500, 3800, 2390), 1200, 630},
		{"ycbcr_400x300_to_1200x900", photoYCbCr(t, 400, 300), image.Rect(0, 0, 400, 300), 1200, 900},
		{"rgba_400x300_to_1200x900", photo(400, 300), image.Rect(0, 0, 400, 300), 1200, 900},
		{"nrgba_alpha_800x600_to_300x200", halfTransparent(800, 600), image.Rect(0, 0, 800, 600), 300, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := image.NewRGBA(image.Rect(0, 0, c.dw, c.dh))
			want := image.NewRGBA(got.Rect)
			Scale(got, got.Rect, c.src, c.sr)
			xdraw.CatmullRom.Scale(want, want.Rect, c.src, c.sr, xdraw.Src, nil)
			mean, maxDiff := diffStats(got, want)
			t.Logf("mean |diff| %.4f, max %d", mean, maxDiff)
			if mean >= 0.25 || maxDiff > 2 {
				t.Errorf("differs from x/image CatmullRom: mean %.4f (want < 0.25), max %d (want <= 2)", mean, maxDiff)
			}
		})
	}
}

// halfTransparent returns photo content with a varying alpha that has both
// smooth ramps and hard edges.
func halfTransparent(w, h int) *image.NRGBA {
	p := photo(w, h)
	img := image.NewNRGBA(p.Rect)
	copy(img.Pix, p.Pix)
	for y := range h {
		for x := range w {
			a := uint8(64 + 128*x/w)
			if (x/40+y/40)%3 == 0 {
				a = 0
			}
			img.Pix[img.PixOffset(x, y)+3] = a
		}
	}
	return img
}

// TestDownscaleDoesNotAlias shrinks a pattern of one-pixel lines every
// third column by 4x. A kernel that is not widened by the scale factor
// point-samples the lines and produces a strong beat pattern (values from
// about 0 to 143); a proper one averages them to a flat 255/3. The edge
// columns are skipped: there the renormalised kernel sees a one-sided
// neighbourhood, exactly as x/image/draw does.
func TestDownscaleDoesNotAlias(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 400, 100))
	for y := range 100 {
		for x := 0; x < 400; x += 3 {
			src.Pix[src.PixOffset(x, y)] = 255
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, 100, 25))
	Scale(dst, dst.Rect, src, src.Rect)
	for y := range 25 {
		for x := 2; x < 98; x++ {
			if v := dst.Pix[dst.PixOffset(x, y)]; v < 81 || v > 89 {
				t.Fatalf("pixel (%d,%d) = %d, want 85±4 (lines aliased)", x, y, v)
			}
		}
	}
}

// TestUpscaleIsSharp checks that enlarging keeps a hard edge hard: with
// Catmull-Rom at 3x, the transition spans about four output pixels,
// whereas shrink-then-enlarge or a blurrier kernel spreads it much wider.
func TestUpscaleIsSharp(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 20, 4))
	for x := 10; x < 20; x++ {
		for y := range 4 {
			src.Pix[src.PixOffset(x, y)] = 255
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, 60, 12))
	Scale(dst, dst.Rect, src, src.Rect)
	transition := 0
	for x := range 60 {
		if v := dst.Pix[dst.PixOffset(x, 6)]; v > 10 && v < 245 {
			transition++
		}
	}
	if transition == 0 || transition > 4 {
		t.Errorf("edge transition spans %d pixels, want 1..4", transition)
	}
}

// TestSubPixelShift scales a linear ramp 1:1 with a half-pixel offset.
// Catmull-Rom reproduces linear functions exactly, so away from the edges
// the result must be the ramp sampled half a pixel further on.
func TestSubPixelShift(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 100, 3))
	for y := range 3 {
		for x := range 100 {
			src.Pix[src.PixOffset(x, y)] = uint8(2*x + 10)
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, 50, 3))
	ScaleF(dst, dst.Rect, src, 10.5, 0, 60.5, 3)
	for x := 2; x < 48; x++ {
		if got, want := dst.Pix[dst.PixOffset(x, 1)], uint8(2*(10.5+float64(x))+10); got != want {
			t.Errorf("x=%d: got %d, want %d", x, got, want)
		}
	}
}

// TestWeightBounds checks the invariants the packed-lane arithmetic relies
// on, across shrinking, enlarging and fractional offsets: every run sums to
// exactly one, stays inside the source, and has a sum of |weights| of at
// most 1.25 plus rounding (see lanes.go). 1.25 itself is reached when
// enlarging at half-pixel phase: 2*0.5625 + 2*0.0625.
func TestWeightBounds(t *testing.T) {
	var a axis
	worst := 0.0
	for _, sw := range []int{1, 2, 3, 7, 50, 333, 1600, 4000} {
		for _, dw := range []int{1, 2, 5, 99, 630, 1200} {
			for off := 0.0; off < 1; off += 0.05 {
				for _, bits := range []uint{hBits3, vBits} {
					s0 := 3 + off
					sp := span{s0: s0, s1: s0 + float64(sw) - off, d0: 0, d1: float64(dw),
						dLo: 0, dHi: dw, sLo: 3, sHi: 3 + sw}
					a.build(sp, bits)
					for k := range dw {
						run := a.w[a.off[k]:a.off[k+1]]
						first := a.lo + int(a.start[k])
						if first < sp.sLo || first+len(run) > sp.sHi {
							t.Fatalf("sw=%d dw=%d: run [%d,%d) outside [%d,%d)", sw, dw, first, first+len(run), sp.sLo, sp.sHi)
						}
						sum, abs := int32(0), 0.0
						for _, w := range run {
							sum += w
							abs += math.Abs(float64(w))
						}
						if sum != 1<<bits {
							t.Fatalf("sw=%d dw=%d k=%d: weights sum to %d, want %d", sw, dw, k, sum, 1<<bits)
						}
						worst = max(worst, abs/float64(int(1)<<bits))
					}
				}
			}
		}
	}
	t.Logf("largest sum of |weights|: %.4f", worst)
	if worst > 1.251 {
		t.Errorf("sum of |weights| reaches %.4f, lanes assume <= 1.251", worst)
	}
}

// TestExtremeContrastNoOverflow drives the lanes to their bounds with the
// worst ringing pattern (isolated black and white pixels) at several scales
// and checks the output against x/image, which cannot overflow.
func TestExtremeContrastNoOverflow(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			v := uint8(255 * ((x/3 + y/2) % 2))
			src.SetRGBA(x, y, color.RGBA{v, 255 - v, v, 255})
		}
	}
	for _, size := range []int{7, 31, 64, 100, 257} {
		got := image.NewRGBA(image.Rect(0, 0, size, size))
		want := image.NewRGBA(got.Rect)
		Scale(got, got.Rect, src, src.Rect)
		xdraw.CatmullRom.Scale(want, want.Rect, src, src.Rect, xdraw.Src, nil)
		if mean, maxDiff := diffStats(got, want); maxDiff > 2 {
			t.Errorf("size %d: max diff %d (mean %.3f), want <= 2", size, maxDiff, mean)
		}
	}
}
