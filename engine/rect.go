package engine

import (
	"image/color"

	"github.com/tdewolff/canvas"
)

// rectLayer is a filled (colour or gradient), optionally rounded and
// bordered rectangle, with optional shadows and a blend mode.
type rectLayer struct {
	box         rect
	fill        fill
	corners     corners
	borderWidth float64
	border      colorValue
	shadows     []*shadow
	blend       blendMode
}

func (c *compiler) rectLayer(ptr string, spec *LayerSpec) drawer {
	r := &rectLayer{
		box:     c.box(ptr, spec.Box),
		fill:    c.fill(ptr+"/fill", spec.Fill, "transparent"),
		corners: c.corners(ptr+"/radius", spec.Radius, 0),
		shadows: c.shadows(ptr+"/shadow", spec.Shadow),
		blend:   c.blend(ptr+"/blend", spec.Blend),
	}
	if b := spec.Border; b != nil {
		r.borderWidth = b.Width
		r.border = c.color(ptr+"/border/color", b.Color, "transparent")
	}
	return r
}

func (r *rectLayer) draw(st *renderState, l *layer) error {
	return st.blended(r.blend, func() error {
		shape := roundedBox{r.box, r.corners}
		drawShadows(st, r.shadows, shape, l.opacity)
		fillShape(st, shape, r.fill.resolve(st.vals, l.opacity, r.box))
		if r.borderWidth > 0 {
			r.drawBorder(st, fade(r.border.resolve(st.vals), l.opacity))
		}
		return nil
	})
}

// drawBorder strokes along the inside of the edge, as CSS box-sizing:
// border-box.
func (r *rectLayer) drawBorder(st *renderState, border color.RGBA) {
	w := min(r.borderWidth, r.box.W/2, r.box.H/2)
	inner := rect{r.box.X + w/2, r.box.Y + w/2, r.box.W - w, r.box.H - w}
	var p *canvas.Path
	if r.corners.percent {
		rx, ry := r.corners.radii(r.box.W, r.box.H)
		p = ellipticRectPath(inner.W, inner.H, max(rx-w/2, 0), max(ry-w/2, 0))
	} else {
		p = roundedRectPath(inner, max(r.corners.value-w/2, 0))
	}
	style := canvas.DefaultStyle
	style.Fill = canvas.Paint{}
	style.Stroke = canvas.Paint{Color: border}
	style.StrokeWidth = w
	st.rasterizer().RenderPath(p, style, canvas.Identity.Translate(inner.X, st.flipY(inner.Y+inner.H)))
}

// roundedRectPath is a rectangle of r's size at the origin, in canvas
// coordinates, with its radius clamped to half the shorter side.
func roundedRectPath(r rect, radius float64) *canvas.Path {
	radius = min(radius, r.W/2, r.H/2)
	if radius <= 0 {
		return canvas.Rectangle(r.W, r.H)
	}
	return canvas.RoundedRectangle(r.W, r.H, radius)
}

// drawRoundedRect fills a box with its corners, given in card pixels.
func drawRoundedRect(st *renderState, r rect, k corners, fill color.RGBA) {
	style := canvas.DefaultStyle
	style.Fill = canvas.Paint{Color: fill}
	st.rasterizer().RenderPath(k.path(r.W, r.H), style, canvas.Identity.Translate(r.X, st.flipY(r.Y+r.H)))
}

var _ drawer = (*rectLayer)(nil)
