package engine

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"
)

// shadow is a text shadow: the text's outline, offset, blurred and
// painted under the text.
type shadow struct {
	color      colorValue
	dx, dy     float64
	blurRadius float64
}

func (c *compiler) shadow(ptr string, spec *ShadowSpec) *shadow {
	if spec == nil {
		return nil
	}
	s := &shadow{color: c.color(ptr+"/color", spec.Color, "rgba(0, 0, 0, 0.6)"), dy: 2, blurRadius: 4}
	if spec.X != nil {
		s.dx = *spec.X
	}
	if spec.Y != nil {
		s.dy = *spec.Y
	}
	if spec.Blur != nil {
		s.blurRadius = *spec.Blur
	}
	return s
}

func (s *shadow) draw(st *renderState, paths []placedPath, opacity float64) {
	col := fade(s.color.resolve(st.vals), opacity)
	if col.A == 0 {
		return
	}
	if s.blurRadius < 0.5 {
		moved := make([]placedPath, len(paths))
		for i, p := range paths {
			moved[i] = placedPath{p.path, p.x + s.dx, p.y + s.dy}
		}
		fillPaths(st, moved, col)
		return
	}
	// Rasterize the text's coverage into a scratch mask around its bounds,
	// blur it, then paint the shadow colour through it.
	pad := int(math.Ceil(s.blurRadius * 2))
	area := pathBounds(paths).Add(image.Pt(int(math.Round(s.dx)), int(math.Round(s.dy)))).Inset(-pad).Intersect(st.dst.Bounds())
	if area.Empty() {
		return
	}
	mask := image.NewRGBA(image.Rect(0, 0, area.Dx(), area.Dy()))
	ras := rasterizer.FromImage(mask, canvas.DPMM(1), canvas.LinearColorSpace{})
	style := canvas.DefaultStyle
	style.Fill = canvas.Paint{Color: color.RGBA{255, 255, 255, 255}}
	for _, p := range paths {
		x := p.x + s.dx - float64(area.Min.X)
		y := p.y + s.dy - float64(area.Min.Y)
		ras.RenderPath(p.path, style, canvas.Identity.Translate(x, float64(area.Dy())-y))
	}
	alpha := alphaOf(mask)
	boxBlur(alpha, s.blurRadius)
	draw.DrawMask(st.dst, area, image.NewUniform(col), image.Point{}, alpha, image.Point{}, draw.Over)
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

func alphaOf(img *image.RGBA) *image.Alpha {
	a := image.NewAlpha(img.Bounds())
	for i := range a.Pix {
		a.Pix[i] = img.Pix[i*4+3]
	}
	return a
}

// boxBlur approximates a Gaussian blur of the given radius with three box
// blurs per axis, in place.
func boxBlur(a *image.Alpha, radius float64) {
	r := max(int(math.Round(radius/2)), 1)
	w, h := a.Rect.Dx(), a.Rect.Dy()
	tmp := make([]uint8, max(w, h))
	for range 3 {
		for y := range h {
			blurLine(a.Pix[y*a.Stride:], 1, w, r, tmp)
		}
		for x := range w {
			blurLine(a.Pix[x:], a.Stride, h, r, tmp)
		}
	}
}

// blurLine runs a moving average of width 2r+1 over n values spaced
// stride apart, treating outside values as 0.
func blurLine(pix []uint8, stride, n, r int, tmp []uint8) {
	for i := range n {
		tmp[i] = pix[i*stride]
	}
	sum := 0
	for i := 0; i <= r && i < n; i++ {
		sum += int(tmp[i])
	}
	div := 2*r + 1
	for i := range n {
		pix[i*stride] = uint8(sum / div)
		if j := i + r + 1; j < n {
			sum += int(tmp[j])
		}
		if j := i - r; j >= 0 {
			sum -= int(tmp[j])
		}
	}
}
