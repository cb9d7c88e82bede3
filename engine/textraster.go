package engine

import (
	"image"
	"math"
	"sync"

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
		releaseMask(mask)
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

// coverage rasterizes the outlines into an alpha mask covering area. The
// mask comes from a pool: give it back with releaseMask once painted.
func coverage(lines []placedLine, area image.Rectangle) *image.Alpha {
	w, h := area.Dx(), area.Dy()
	ras := rasterizers.Get().(*vector.Rasterizer)
	ras.Reset(w, h)
	for _, l := range lines {
		x, y := l.x-float64(area.Min.X), l.y-float64(area.Min.Y)
		for _, g := range l.Glyphs {
			rasterizeOutline(ras, g.Path, x+g.X, y-g.Y, g.Scale)
		}
	}
	mask := newMask(w, h)
	ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	if w*h <= maxPooledSamples {
		rasterizers.Put(ras)
	}
	return mask
}

// The rasterizer's accumulation buffer (four bytes a pixel of the text's
// box, cleared by Reset) and the coverage mask are pooled: a headline's
// are about a megabyte, which made them a fifth of every byte a text-only
// card allocated. A buffer for more than maxPooledSamples pixels (a text
// box larger than a 2400x1260 card) is left to the collector.
const maxPooledSamples = 2400 * 1260

var (
	rasterizers = sync.Pool{New: func() any { return &vector.Rasterizer{} }}
	masks       sync.Pool // *image.Alpha
)

// newMask is a cleared w x h alpha mask, from the pool when one is large
// enough.
func newMask(w, h int) *image.Alpha {
	n := w * h
	if m, ok := masks.Get().(*image.Alpha); ok && cap(m.Pix) >= n {
		m.Pix = m.Pix[:n]
		clear(m.Pix)
		m.Stride, m.Rect = w, image.Rect(0, 0, w, h)
		return m
	}
	return image.NewAlpha(image.Rect(0, 0, w, h))
}

// releaseMask gives a mask from coverage back to the pool; the caller no
// longer uses it.
func releaseMask(m *image.Alpha) {
	if m != nil && cap(m.Pix) <= maxPooledSamples {
		masks.Put(m)
	}
}

// rasterizeOutline adds a glyph outline (y up, in font units) to ras,
// scaled by scale, with its origin at x, y in the rasterizer's y-down
// pixels. Quadratic Béziers, all a TrueType outline has, are flattened
// straight into the rasterizer the way canvas flattens them (same method,
// same tenth-of-a-pixel tolerance, so the same pixels): canvas's
// ToVectorRasterizer builds a new path for every curve and wants its path
// moved by a copy, which together took more time than the rasterizing. A
// path with cubic Béziers (CFF fonts) or arcs is left to canvas.
func rasterizeOutline(ras *vector.Rasterizer, p *canvas.Path, x, y, scale float64) {
	d := p.Data()
	if !onlyQuadratic(d) {
		h := float64(ras.Size().Y)
		p.Copy().Scale(scale, scale).Translate(x, h-y).ToVectorRasterizer(ras, canvas.DPMM(1))
		return
	}
	pt := func(i int) canvas.Point { return canvas.Point{X: x + scale*d[i], Y: y - scale*d[i+1]} }
	var pen canvas.Point
	closed := true
	for i := 0; i < len(d); i += cmdLen(d[i]) {
		switch d[i] {
		case canvas.MoveToCmd:
			pen = pt(i + 1)
			ras.MoveTo(float32(pen.X), float32(pen.Y))
			closed = false
		case canvas.LineToCmd:
			pen = pt(i + 1)
			ras.LineTo(float32(pen.X), float32(pen.Y))
		case canvas.QuadToCmd:
			end := pt(i + 3)
			flattenQuadratic(ras, pen, pt(i+1), end, canvas.PixelTolerance)
			pen = end
		case canvas.CloseCmd:
			ras.ClosePath()
			pen, closed = pt(i+1), true
		}
	}
	if !closed {
		ras.ClosePath()
	}
}

// onlyQuadratic says whether path data holds no cubic Bézier and no arc.
func onlyQuadratic(d []float64) bool {
	for i := 0; i < len(d); i += cmdLen(d[i]) {
		if d[i] == canvas.CubeToCmd || d[i] == canvas.ArcToCmd {
			return false
		}
	}
	return true
}

// cmdLen is the length of one command in canvas's path data: the command,
// its coordinates, and the command again.
func cmdLen(cmd float64) int {
	switch cmd {
	case canvas.QuadToCmd:
		return 6
	case canvas.CubeToCmd, canvas.ArcToCmd:
		return 8
	default: // move, line, close
		return 4
	}
}

// flattenQuadratic draws the quadratic Bézier p0-p1-p2 into ras as lines
// deviating at most tolerance from it: canvas's flattenQuadraticBezier
// (Hain et al., "Fast, precise flattening of cubic Bézier path and offset
// curves", 2005), with each line sent to ras instead of to a new path.
func flattenQuadratic(ras *vector.Rasterizer, p0, p1, p2 canvas.Point, tolerance float64) {
	for !p0.Equals(p1) { // else a straight line to p2
		dir := p1.Sub(p0)
		t := 2 * math.Sqrt(tolerance*math.Abs(math.Hypot(dir.X, dir.Y)/dir.PerpDot(p2.Sub(p0))))
		if t >= 1 {
			break
		}
		// Split at t (de Casteljau) and keep the rest of the curve.
		q1, r1 := p0.Interpolate(p1, t), p1.Interpolate(p2, t)
		p0, p1 = q1.Interpolate(r1, t), r1
		ras.LineTo(float32(p0.X), float32(p0.Y))
	}
	ras.LineTo(float32(p2.X), float32(p2.Y))
}

// pathBounds is the pixel box around all the placed outlines.
func pathBounds(lines []placedLine) image.Rectangle {
	var r image.Rectangle
	for _, l := range lines {
		b, ok := l.Bounds()
		if !ok {
			continue
		}
		r = r.Union(image.Rect(
			int(math.Floor(l.x+b.X0)), int(math.Floor(l.y-b.Y1)),
			int(math.Ceil(l.x+b.X1)), int(math.Ceil(l.y-b.Y0)),
		))
	}
	return r
}
