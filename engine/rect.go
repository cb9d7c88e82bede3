package engine

import (
	"image/color"

	"github.com/tdewolff/canvas"
)

// rectLayer is a filled, optionally rounded and bordered rectangle.
type rectLayer struct {
	box         rect
	fill        colorValue
	radius      float64
	borderWidth float64
	border      colorValue
}

func (c *compiler) rectLayer(ptr string, spec *LayerSpec) drawer {
	r := &rectLayer{box: c.box(ptr, spec.Box), fill: c.color(ptr+"/fill", spec.Fill, "transparent")}
	if spec.Radius != nil {
		r.radius = *spec.Radius
	}
	if b := spec.Border; b != nil {
		r.borderWidth = b.Width
		r.border = c.color(ptr+"/border/color", b.Color, "transparent")
	}
	return r
}

func (r *rectLayer) draw(st *renderState, l *layer) error {
	fill := fade(r.fill.resolve(st.vals), l.opacity)
	if fill.A > 0 {
		drawRoundedRect(st, r.box, r.radius, fill)
	}
	if r.borderWidth > 0 {
		border := fade(r.border.resolve(st.vals), l.opacity)
		// Stroke along the inside of the edge, as CSS box-sizing: border-box.
		w := min(r.borderWidth, r.box.W/2, r.box.H/2)
		inner := rect{r.box.X + w/2, r.box.Y + w/2, r.box.W - w, r.box.H - w}
		p := roundedRectPath(inner, max(r.radius-w/2, 0))
		style := canvas.DefaultStyle
		style.Fill = canvas.Paint{}
		style.Stroke = canvas.Paint{Color: border}
		style.StrokeWidth = w
		st.rasterizer().RenderPath(p, style, canvas.Identity.Translate(inner.X, st.flipY(inner.Y+inner.H)))
	}
	return nil
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

// drawRoundedRect fills a rounded rectangle given in card pixels.
func drawRoundedRect(st *renderState, r rect, radius float64, fill color.RGBA) {
	style := canvas.DefaultStyle
	style.Fill = canvas.Paint{Color: fill}
	st.rasterizer().RenderPath(roundedRectPath(r, radius), style, canvas.Identity.Translate(r.X, st.flipY(r.Y+r.H)))
}

var _ drawer = (*rectLayer)(nil)
