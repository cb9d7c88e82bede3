package engine

import (
	"image"
	"image/draw"
	"math"
	"slices"
	"strconv"
)

// shadow is a drop shadow: a coverage mask (a text's glyphs, or a layer's
// shape grown by spread), blurred, offset and painted under what casts it.
type shadow struct {
	color      colorValue
	dx, dy     float64
	blurRadius float64 // as CSS's blur radius: a Gaussian of standard deviation blurRadius/2
	spread     float64 // shapes only: grows (or with a minus, shrinks) the shape first
}

func (c *compiler) shadow(ptr string, spec *ShadowSpec) *shadow {
	if spec == nil {
		return nil
	}
	s := &shadow{color: c.color(ptr+"/color", spec.Color, "rgba(0, 0, 0, 0.6)"), dy: 2, blurRadius: 4}
	s.dx = floatOr(spec.X, s.dx)
	s.dy = floatOr(spec.Y, s.dy)
	s.blurRadius = floatOr(spec.Blur, s.blurRadius)
	s.spread = floatOr(spec.Spread, 0)
	return s
}

// textShadow compiles a text layer's shadow: one object at most (the
// schema says so).
func (c *compiler) textShadow(ptr string, s Shadows) *shadow {
	if len(s.List) == 0 {
		return nil
	}
	return c.shadow(ptr, &s.List[0])
}

// shadows compiles a layer's shadows, written as one object or a list.
func (c *compiler) shadows(ptr string, s Shadows) []*shadow {
	var out []*shadow
	for i := range s.List {
		p := ptr
		if s.IsArray {
			p += "/" + strconv.Itoa(i)
		}
		out = append(out, c.shadow(p, &s.List[i]))
	}
	return out
}

// draw paints the shadow of a text whose coverage mask lies over area.
func (s *shadow) draw(st *renderState, mask *image.Alpha, area image.Rectangle, opacity float64) {
	if s.blurRadius >= 0.5 {
		mask = &image.Alpha{Pix: slices.Clone(mask.Pix), Stride: mask.Stride, Rect: mask.Rect}
	}
	s.paint(st, mask, area, opacity)
}

// paint blurs mask in place and paints it, offset, in the shadow colour.
func (s *shadow) paint(st *renderState, mask *image.Alpha, area image.Rectangle, opacity float64) {
	col := fade(s.color.resolve(st.vals), opacity)
	if col.A == 0 {
		return
	}
	if s.blurRadius >= 0.5 {
		boxBlur(mask, s.blurRadius)
	}
	at := area.Add(image.Pt(int(math.Round(s.dx)), int(math.Round(s.dy))))
	draw.DrawMask(st.dst, at, image.NewUniform(col), image.Point{}, mask, image.Point{}, draw.Over)
}

// blurMargin is how far the blur spreads beyond the shape: three box
// passes of radius blur/2 reach 1.5 blur; 2 blur leaves room to spare.
func (s *shadow) blurMargin() int {
	if s.blurRadius < 0.5 {
		return 1
	}
	return int(math.Ceil(s.blurRadius*2)) + 1
}

// drawShadows paints a layer's shadows of sh under it. As in CSS, the
// first shadow listed is on top, so the list is painted from its end.
// Layers call it with the shape they are about to draw: a roundedBox for
// a rect, a pill or a stack's box, an alphaShape for a picture.
func drawShadows(st *renderState, shadows []*shadow, sh shape, opacity float64) {
	for _, s := range slices.Backward(shadows) {
		// Only what can land on the card, after the offset, with room
		// for the blur to come in from beyond its edges.
		off := image.Pt(int(math.Round(s.dx)), int(math.Round(s.dy)))
		clip := st.dst.Bounds().Sub(off).Inset(-s.blurMargin())
		if mask, area := sh.coverage(s.spread, s.blurMargin(), clip); mask != nil {
			s.paint(st, mask, area, opacity)
		}
	}
}

func alphaOf(img *image.RGBA) *image.Alpha {
	a := image.NewAlpha(img.Bounds())
	for i := range a.Pix {
		a.Pix[i] = img.Pix[i*4+3]
	}
	return a
}
