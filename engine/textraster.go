package engine

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/tdewolff/canvas"
	"golang.org/x/image/vector"
)

// drawGlyphs paints placed glyph outlines in col, with an optional shadow
// under them. The outlines are rasterized once into a coverage mask
// (x/image/vector accumulates coverage several times faster than the
// scanline rasterizer canvas uses), and that one mask serves both the
// shadow, blurred and offset, and the text itself.
func drawGlyphs(st *renderState, paths []placedPath, col color.RGBA, sh *shadow, opacity float64) {
	pad := 0
	if sh != nil && sh.blurRadius >= 0.5 {
		pad = int(math.Ceil(sh.blurRadius * 2))
	}
	area := pathBounds(paths).Inset(-pad - 1)
	if area.Empty() {
		return
	}
	mask := coverage(paths, area)
	if sh != nil {
		sh.draw(st, mask, area, opacity)
	}
	if col.A > 0 {
		draw.DrawMask(st.dst, area, image.NewUniform(col), image.Point{}, mask, image.Point{}, draw.Over)
	}
}

// coverage rasterizes the outlines into an alpha mask covering area.
func coverage(paths []placedPath, area image.Rectangle) *image.Alpha {
	w, h := area.Dx(), area.Dy()
	ras := vector.NewRasterizer(w, h)
	for _, p := range paths {
		// Into the mask's own coordinates, y up from its bottom edge,
		// which is what ToVectorRasterizer expects.
		x := p.x - float64(area.Min.X)
		y := float64(h) - (p.y - float64(area.Min.Y))
		p.path.Transform(canvas.Identity.Translate(x, y)).ToVectorRasterizer(ras, canvas.DPMM(1))
	}
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return mask
}

// pathBounds is the pixel box around all the placed outlines.
func pathBounds(paths []placedPath) image.Rectangle {
	var r image.Rectangle
	for _, p := range paths {
		b := p.path.FastBounds()
		pr := image.Rect(
			int(math.Floor(p.x+b.X0)), int(math.Floor(p.y-b.Y1)),
			int(math.Ceil(p.x+b.X1)), int(math.Ceil(p.y-b.Y0)),
		)
		r = r.Union(pr)
	}
	return r
}
