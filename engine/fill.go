package engine

import (
	"image"
	"image/color"
	"image/draw"
)

// fill is a paint as compiled: a colour, or a gradient laid over the box
// of what it fills (a rect, a tag's pill, a text layer's box).
type fill struct {
	color colorValue
	grad  *gradient // nil for a colour
}

// fill compiles a paint property; def is the colour when it is left out.
func (c *compiler) fill(ptr string, p Paint, def string) fill {
	spec := p.Gradient
	if spec == nil {
		return fill{color: c.color(ptr, p.Color, def)}
	}
	g := &gradient{radial: spec.Type == "radial", angle: floatOr(spec.Angle, 180), cx: 0.5, cy: 0.5, stops: c.stops(ptr, spec.Stops)}
	if g.radial && spec.Angle != nil {
		c.errorf(ptr+"/angle", "angle is for linear gradients: a radial gradient takes a center")
	}
	if !g.radial && spec.Center != nil {
		c.errorf(ptr+"/center", "center is for radial gradients: a linear gradient takes an angle")
	}
	if ctr := spec.Center; ctr != nil {
		g.cx, g.cy = floatOr(ctr.X, 0.5), floatOr(ctr.Y, 0.5)
	}
	return fill{grad: g}
}

// resolve returns the fill for this render, faded by opacity, with a
// gradient laid over box.
func (f fill) resolve(vals map[string]string, opacity float64, box rect) ink {
	if f.grad == nil {
		return ink{color: fade(f.color.resolve(vals), opacity)}
	}
	return ink{grad: f.grad, lut: f.grad.lut(vals, opacity), box: box}
}

// ink is a fill resolved for one render.
type ink struct {
	color color.RGBA
	grad  *gradient
	lut   *[lutSize]color.RGBA
	box   rect
}

// visible reports whether painting the ink can change a pixel.
func (k ink) visible() bool { return k.grad != nil || k.color.A > 0 }

// paint composites the ink onto dst through a coverage mask lying over
// area.
func (k ink) paint(dst *image.RGBA, mask *image.Alpha, area image.Rectangle) {
	switch {
	case k.grad != nil:
		k.grad.paint(dst, k.box, k.lut, mask, area)
	case k.color.A > 0:
		draw.DrawMask(dst, area, image.NewUniform(k.color), image.Point{}, mask, image.Point{}, draw.Over)
	}
}

// fillShape paints a box with its corners in the ink: a colour through
// canvas's rasterizer (as rects were always drawn), a gradient through
// the shape's coverage mask.
func fillShape(st *renderState, s roundedBox, k ink) {
	if k.grad == nil {
		if k.color.A > 0 {
			drawRoundedRect(st, s.box, s.corners, k.color)
		}
		return
	}
	if mask, area := s.coverage(0, 0, st.dst.Bounds()); mask != nil {
		k.paint(st.dst, mask, area)
	}
}
