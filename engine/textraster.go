package engine

import (
	"image"
	"math"

	"github.com/tdewolff/canvas"
	"golang.org/x/image/vector"
)

// drawGlyphs paints placed glyph outlines in an ink, with an optional shadow
// under them. The outlines are rasterized once into a coverage mask
// (x/image/vector accumulates coverage several times faster than the
// scanline rasterizer canvas uses), and that one mask serves both the
// shadow, blurred and offset, and the text itself.
func drawGlyphs(st *renderState, lines []placedLine, k ink, sh *shadow, opacity float64) {
	pad := 0
	if sh != nil && sh.blurRadius >= 0.5 {
		pad = int(math.Ceil(sh.blurRadius * 2))
	}
	if area := pathBounds(lines).Inset(-pad - 1); !area.Empty() {
		mask := coverage(lines, area)
		if sh != nil {
			sh.draw(st, mask, area, opacity)
		}
		k.paint(st.dst, mask, area)
	}
	drawBitmaps(st, lines, opacity)
}

// drawBitmaps composites the colour emoji of the lines, in their own
// colours: a text colour does not apply to them.
func drawBitmaps(st *renderState, lines []placedLine, opacity float64) {
	for _, l := range lines {
		origin := image.Pt(int(math.Round(l.x)), int(math.Round(l.y)))
		for _, b := range l.Bitmaps {
			compositeAt(st.dst, origin.Add(b.At), b.Img, opacity)
		}
	}
}

// coverage rasterizes the outlines into an alpha mask covering area.
func coverage(lines []placedLine, area image.Rectangle) *image.Alpha {
	w, h := area.Dx(), area.Dy()
	ras := vector.NewRasterizer(w, h)
	for _, l := range lines {
		// Into the mask's own coordinates, y up from its bottom edge,
		// which is what ToVectorRasterizer expects.
		x := l.x - float64(area.Min.X)
		y := float64(h) - (l.y - float64(area.Min.Y))
		l.Path.Copy().Transform(canvas.Identity.Translate(x, y)).ToVectorRasterizer(ras, canvas.DPMM(1))
	}
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return mask
}

// pathBounds is the pixel box around all the placed outlines.
func pathBounds(lines []placedLine) image.Rectangle {
	var r image.Rectangle
	for _, l := range lines {
		if l.Path.Empty() {
			continue
		}
		b := l.Path.FastBounds()
		r = r.Union(image.Rect(
			int(math.Floor(l.x+b.X0)), int(math.Floor(l.y-b.Y1)),
			int(math.Ceil(l.x+b.X1)), int(math.Ceil(l.y-b.Y0)),
		))
	}
	return r
}
