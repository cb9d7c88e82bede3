package resample

import (
	"image"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// BenchmarkScale measures the card background case, 1600x900 to 1200x675,
// for this package and for golang.org/x/image/draw as a baseline.
func BenchmarkScale(b *testing.B) {
	ycc := photoYCbCr(b, 1600, 900)
	rgba := photo(1600, 900)
	dst := image.NewRGBA(image.Rect(0, 0, 1200, 675))
	cases := []struct {
		name string
		src  image.Image
		fn   func(dst *image.RGBA, src image.Image)
	}{
		{"ycbcr_1600x900_to_1200x675", ycc, ours},
		{"rgba_1600x900_to_1200x675", rgba, ours},
		{"nrgba_alpha_1600x900_to_1200x675", halfTransparent(1600, 900), ours},
		{"ycbcr_400x300_to_1200x900", photoYCbCr(b, 400, 300), ours},
		{"xdraw_catmullrom_ycbcr_1600x900_to_1200x675", ycc, kernel(xdraw.CatmullRom)},
		{"xdraw_catmullrom_rgba_1600x900_to_1200x675", rgba, kernel(xdraw.CatmullRom)},
		{"xdraw_approxbilinear_ycbcr_1600x900_to_1200x675", ycc, kernel(xdraw.ApproxBiLinear)},
		{"xdraw_approxbilinear_rgba_1600x900_to_1200x675", rgba, kernel(xdraw.ApproxBiLinear)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.fn(dst, c.src)
			}
		})
	}
}

// ours scales all of src to all of dst with this package.
func ours(dst *image.RGBA, src image.Image) {
	Scale(dst, dst.Bounds(), src, src.Bounds())
}

// kernel adapts an x/image/draw scaler to the benchmark's signature.
func kernel(s xdraw.Scaler) func(dst *image.RGBA, src image.Image) {
	return func(dst *image.RGBA, src image.Image) {
		s.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	}
}
