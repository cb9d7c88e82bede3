package engine

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"strings"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
)

// svgLayer is an SVG asset rasterized once, at compile time, at its box
// size (so it is sharp at any size and costs nothing per render), then
// composited. With a fill override, its coverage (fills and strokes alike)
// is kept as a mask and painted in the fill colour at render time.
type svgLayer struct {
	at    image.Point
	img   *image.RGBA  // the rendered picture
	mask  *image.Alpha // its coverage, when painted in a fill colour
	fill  *colorValue
	bound image.Rectangle
}

func (c *compiler) svgLayer(ptr string, spec *LayerSpec) drawer {
	box := c.box(ptr, spec.Box)
	icon, _ := c.readSVG(ptr+"/src", spec.Src)
	if icon == nil {
		return nil
	}
	s := &svgLayer{}
	if spec.Fill.Color != "" {
		fill := c.color(ptr+"/fill", spec.Fill.Color, "black")
		s.fill = &fill
	}
	px := box.pixels()
	s.at, s.img = px.Min, rasterizeSVG(icon, px.Dx(), px.Dy())
	if s.img == nil {
		c.errorf(ptr+"/src", "SVG %s has no size: give it a viewBox or width and height", spec.Src)
		return nil
	}
	s.bound = s.img.Bounds().Add(s.at)
	if s.fill != nil {
		s.mask = alphaOf(s.img)
	}
	return s
}

// readSVG reads and parses an SVG asset; the bytes returned are the
// normalized document, to parse again for another size (drawing an
// oksvg icon changes it). It returns nil after recording a problem.
func (c *compiler) readSVG(ptr, src string) (*oksvg.SvgIcon, []byte) {
	data, ok := c.readAsset(ptr, src)
	if !ok {
		return nil, nil
	}
	if !strings.HasSuffix(strings.ToLower(src), ".svg") {
		c.errorf(ptr, "%q is not an .svg file: use an image layer for pictures", src)
		return nil, nil
	}
	// Strict: an element oksvg cannot draw (text, clipPath, mask, filter)
	// is an error the designer sees, not a silently different picture.
	data = normalizeSVG(data)
	icon, err := oksvg.ReadIconStream(bytes.NewReader(data), oksvg.StrictErrorMode)
	if err != nil {
		c.errorf(ptr, "SVG %s: %v (SVGs draw shapes, paths and gradients; convert text to paths and drop clipPath, mask and filter)", src, err)
		return nil, nil
	}
	return icon, data
}

// rasterizeSVG draws icon contained (aspect kept, centred) in w by h pixels.
func rasterizeSVG(icon *oksvg.SvgIcon, w, h int) *image.RGBA {
	vb := icon.ViewBox
	if vb.W <= 0 || vb.H <= 0 || w <= 0 || h <= 0 {
		return nil
	}
	scale := min(float64(w)/vb.W, float64(h)/vb.H)
	dw, dh := vb.W*scale, vb.H*scale
	icon.SetTarget((float64(w)-dw)/2, (float64(h)-dh)/2, dw, dh)
	// oksvg scales outlines to the target but not stroke widths or dashes.
	for i := range icon.SVGPaths {
		p := &icon.SVGPaths[i]
		p.LineWidth *= scale
		p.DashOffset *= scale
		p.Dash = scaled(p.Dash, scale)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	scanner := rasterx.NewScannerGV(w, h, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(w, h, scanner), 1)
	return img
}

func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * f
	}
	return out
}

func (s *svgLayer) draw(st *renderState, l *layer) error {
	var mask image.Image
	if l.opacity < 1 {
		mask = image.NewUniform(color.Alpha{uint8(l.opacity*255 + 0.5)})
	}
	if s.fill == nil {
		draw.DrawMask(st.dst, s.bound, s.img, image.Point{}, mask, image.Point{}, draw.Over)
		return nil
	}
	c := fade(s.fill.resolve(st.vals), l.opacity)
	draw.DrawMask(st.dst, s.bound, image.NewUniform(c), image.Point{}, s.mask, image.Point{}, draw.Over)
	return nil
}

var _ drawer = (*svgLayer)(nil)
