package engine

import (
	"image"
	"testing"

	"github.com/tdewolff/canvas"
	"golang.org/x/image/vector"
)

// rasterizeOutline must give the coverage canvas's own ToVectorRasterizer
// gives for the outline scaled and moved: it only skips canvas's
// intermediate paths.
func TestRasterizeOutlineMatchesCanvas(t *testing.T) {
	glyphLike := &canvas.Path{}
	glyphLike.MoveTo(10, 0)
	glyphLike.QuadTo(40, 60, 70, 0)
	glyphLike.LineTo(60, -5)
	glyphLike.QuadTo(40, 30, 20, -5)
	glyphLike.Close()
	glyphLike.MoveTo(30.25, 5.5) // a second contour, at a fractional position
	glyphLike.QuadTo(40, 18.7, 50.5, 5.5)
	glyphLike.Close()
	glyphLike.MoveTo(75, 0) // an open contour, closed by the rasterizer
	glyphLike.LineTo(78, 20)
	glyphLike.QuadTo(80, 10, 79, 0)

	withCubic := glyphLike.Copy()
	withCubic.MoveTo(5, 10)
	withCubic.CubeTo(15, 40, 35, -20, 45, 10)
	withCubic.Close()

	for name, p := range map[string]*canvas.Path{"quadratic": glyphLike, "cubic": withCubic} {
		t.Run(name, func(t *testing.T) {
			const w, h = 100, 80
			x, y, scale := 3.3, 62.7, 0.93 // the origin, in y-down pixels, and the font size over units per em
			ours := vector.NewRasterizer(w, h)
			rasterizeOutline(ours, p, x, y, scale)
			theirs := vector.NewRasterizer(w, h)
			p.Copy().Scale(scale, scale).Translate(x, h-y).ToVectorRasterizer(theirs, canvas.DPMM(1))
			a, b := image.NewAlpha(image.Rect(0, 0, w, h)), image.NewAlpha(image.Rect(0, 0, w, h))
			ours.Draw(a, a.Bounds(), image.Opaque, image.Point{})
			theirs.Draw(b, b.Bounds(), image.Opaque, image.Point{})
			inked := 0
			for i := range a.Pix {
				if d := int(a.Pix[i]) - int(b.Pix[i]); d < -1 || d > 1 { // float32 rounding of the two transforms
					t.Fatalf("pixel %d,%d: coverage %d, canvas gives %d", i%w, i/w, a.Pix[i], b.Pix[i])
				}
				if a.Pix[i] != 0 {
					inked++
				}
			}
			if inked < 500 {
				t.Fatalf("only %d pixels inked: the outline was not drawn", inked)
			}
		})
	}
}
