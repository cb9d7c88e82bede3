package engine

import (
	"image"
	"math"

	"github.com/tdewolff/canvas"
	"golang.org/x/image/vector"
)

// corners is a corner radius as compiled: pixels, the same on both axes,
// or a percentage of the box's width and of its height, as CSS's
// border-radius takes it, so "50%" makes a circle of a square box and an
// ellipse of any other.
type corners struct {
	value   float64
	percent bool
}

// corners compiles a radius property; def is the radius in pixels when
// it is left out.
func (c *compiler) corners(pointer string, l *Length, def float64) corners {
	if l == nil {
		return corners{value: def}
	}
	if l.Percent && l.Value > 50 {
		c.errorf(pointer, "radius %v%% is over 50%%: 50%% already makes a circle (square box) or an ellipse", l.Value)
	}
	return corners{value: l.Value, percent: l.Percent}
}

// radii returns the horizontal and vertical corner radii for a w by h
// box, at most half its size on each axis. Pixel radii stay circular:
// they are clamped to half the shorter side.
func (k corners) radii(w, h float64) (rx, ry float64) {
	if k.percent {
		return min(k.value*w/100, w/2), min(k.value*h/100, h/2)
	}
	r := max(min(k.value, w/2, h/2), 0)
	return r, r
}

func (k corners) zero() bool { return k.value <= 0 }

// path is the outline of a w by h box with these corners, at the origin
// in canvas coordinates (y up).
func (k corners) path(w, h float64) *canvas.Path {
	if !k.percent {
		return roundedRectPath(rect{W: w, H: h}, k.value)
	}
	rx, ry := k.radii(w, h)
	return ellipticRectPath(w, h, rx, ry)
}

// ellipticRectPath is canvas.RoundedRectangle with elliptic corners of
// radii rx, ry (at most half the box on each axis).
func ellipticRectPath(w, h, rx, ry float64) *canvas.Path {
	if rx <= 0 || ry <= 0 {
		return canvas.Rectangle(w, h)
	}
	if rx == ry {
		return canvas.RoundedRectangle(w, h, rx)
	}
	p := &canvas.Path{}
	p.MoveTo(0, ry)
	p.ArcTo(rx, ry, 0, false, true, rx, 0)
	p.LineTo(w-rx, 0)
	p.ArcTo(rx, ry, 0, false, true, w, ry)
	p.LineTo(w, h-ry)
	p.ArcTo(rx, ry, 0, false, true, w-rx, h)
	p.LineTo(rx, h)
	p.ArcTo(rx, ry, 0, false, true, 0, h-ry)
	p.Close()
	return p
}

// shape is the outline a layer's effects follow: a shadow is cast from
// it and a gradient fills it. The stack layer casts its shadow through
// the same interface, from a roundedBox of its own box.
type shape interface {
	// coverage rasterizes the shape grown by spread pixels (shrunk when
	// spread is negative), with margin blank pixels all round for a blur
	// to spread into, within clip (a huge box is not rasterized beyond
	// what can show). It returns the mask and where it lies on the card;
	// a nil mask means nothing is left of the shape.
	coverage(spread float64, margin int, clip image.Rectangle) (*image.Alpha, image.Rectangle)
}

// roundedBox is a box with its corners: the shape of a rect, a tag's
// pill, an opaque photo and (through the same type) a stack.
type roundedBox struct {
	box     rect
	corners corners
}

func (s roundedBox) coverage(spread float64, margin int, clip image.Rectangle) (*image.Alpha, image.Rectangle) {
	g := rect{s.box.X - spread, s.box.Y - spread, s.box.W + 2*spread, s.box.H + 2*spread}
	if g.W <= 0 || g.H <= 0 {
		return nil, image.Rectangle{}
	}
	// As CSS spreads a box-shadow: rounded corners grow with the box,
	// square corners stay square.
	rx, ry := s.corners.radii(s.box.W, s.box.H)
	if rx > 0 && ry > 0 {
		rx, ry = max(rx+spread, 0), max(ry+spread, 0)
	}
	area := image.Rect(
		int(math.Floor(g.X)), int(math.Floor(g.Y)),
		int(math.Ceil(g.X+g.W)), int(math.Ceil(g.Y+g.H)),
	).Inset(-margin).Intersect(clip)
	if area.Empty() {
		return nil, image.Rectangle{}
	}
	return rasterizeAt(ellipticRectPath(g.W, g.H, min(rx, g.W/2), min(ry, g.H/2)), g.X, g.Y+g.H, area), area
}

// rasterizeAt rasterizes a path whose origin (its bottom-left, y up) lies
// at card pixel (x, bottom) into a coverage mask over area. x/image/vector
// accumulates coverage several times faster than canvas's scanline
// rasterizer, as for text.
func rasterizeAt(p *canvas.Path, x, bottom float64, area image.Rectangle) *image.Alpha {
	w, h := area.Dx(), area.Dy()
	ras := vector.NewRasterizer(w, h)
	p.Transform(canvas.Identity.Translate(x-float64(area.Min.X), float64(h)-(bottom-float64(area.Min.Y)))).ToVectorRasterizer(ras, canvas.DPMM(1))
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return mask
}

// alphaShape is the shape of a picture with transparency (a logo, a
// cut-out), as its alpha channel: mask lies on the card at at.
type alphaShape struct {
	mask *image.Alpha
	at   image.Point
}

func (s alphaShape) coverage(spread float64, margin int, _ image.Rectangle) (*image.Alpha, image.Rectangle) {
	grow := int(math.Round(math.Abs(spread)))
	pad := margin + grow
	b := s.mask.Bounds()
	out := image.NewAlpha(image.Rect(0, 0, b.Dx()+2*pad, b.Dy()+2*pad))
	for y := range b.Dy() {
		copy(out.Pix[(y+pad)*out.Stride+pad:], s.mask.Pix[y*s.mask.Stride:y*s.mask.Stride+b.Dx()])
	}
	if grow > 0 {
		morph(out, grow, spread > 0)
	}
	return out, image.Rect(s.at.X-pad, s.at.Y-pad, s.at.X+b.Dx()+pad, s.at.Y+b.Dy()+pad)
}

// morph dilates (grow) or erodes a mask by r pixels with a square
// window: a running maximum (or minimum) along rows, then columns, each
// in time independent of r (van Herk / Gil-Werman), since a spread of 64
// on a big picture would otherwise cost 129 comparisons a pixel.
func morph(a *image.Alpha, r int, grow bool) {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	neutral, pick := uint8(255), func(x, y uint8) uint8 { return min(x, y) }
	if grow {
		neutral, pick = 0, func(x, y uint8) uint8 { return max(x, y) }
	}
	n := max(w, h)
	line := make([]uint8, n+2*r) // the line with r neutral pixels each side
	fwd, back := make([]uint8, len(line)), make([]uint8, len(line))
	run := func(get func(int) uint8, set func(int, uint8), n int) {
		for i := range line[:n+2*r] {
			line[i] = neutral
		}
		for i := range n {
			line[i+r] = get(i)
		}
		windowExtreme(line[:n+2*r], fwd, back, 2*r+1, pick)
		for i := range n {
			set(i, pick(back[i], fwd[i+2*r]))
		}
	}
	for y := range h {
		row := a.Pix[y*a.Stride:]
		run(func(i int) uint8 { return row[i] }, func(i int, v uint8) { row[i] = v }, w)
	}
	for x := range w {
		run(func(i int) uint8 { return a.Pix[i*a.Stride+x] }, func(i int, v uint8) { a.Pix[i*a.Stride+x] = v }, h)
	}
}

// windowExtreme fills, for blocks of size k, fwd[i] with the extreme of
// line from i's block start to i and back[i] with that from i to its
// block end; the extreme over any window line[i:i+k] is then
// pick(back[i], fwd[i+k-1]).
func windowExtreme(line, fwd, back []uint8, k int, pick func(x, y uint8) uint8) {
	n := len(line)
	for i, v := range line {
		if i%k == 0 {
			fwd[i] = v
		} else {
			fwd[i] = pick(fwd[i-1], v)
		}
	}
	for i := n - 1; i >= 0; i-- {
		if i == n-1 || (i+1)%k == 0 {
			back[i] = line[i]
		} else {
			back[i] = pick(back[i+1], line[i])
		}
	}
}
