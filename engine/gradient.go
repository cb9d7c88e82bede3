package engine

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"strconv"
)

// gradientLayer is a linear gradient over a box, drawn straight into the
// card's pixels: canvas's gradient fill allocates once per pixel, which
// made it 8x slower than this loop. The same loop fills rects, tags and
// text with a gradient (fill.go), through their coverage mask.
type gradientLayer struct {
	box rect
	g   *gradient
}

// gradient is a linear gradient along an angle, or a radial one from a
// centre out to the farthest corner of the box it fills.
type gradient struct {
	radial bool
	angle  float64 // linear: CSS degrees
	cx, cy float64 // radial: the centre, in fractions of the box
	stops  []gradientStop
}

type gradientStop struct {
	color colorValue
	at    float64
}

func (c *compiler) gradientLayer(ptr string, spec *LayerSpec) drawer {
	g := &gradient{angle: floatOr(spec.Angle, 180), stops: c.stops(ptr, spec.Stops)}
	return &gradientLayer{box: c.box(ptr, spec.Box), g: g}
}

// stops compiles colour stops, which must be in order.
func (c *compiler) stops(ptr string, specs []StopSpec) []gradientStop {
	var stops []gradientStop
	last := 0.0
	for i, s := range specs {
		sp := ptr + "/stops/" + strconv.Itoa(i)
		if s.At < last {
			c.errorf(sp+"/at", "stops must be in order: %v comes after %v", s.At, last)
		}
		last = s.At
		stops = append(stops, gradientStop{color: c.color(sp+"/color", s.Color, ""), at: s.At})
	}
	return stops
}

// lutSize is the number of precomputed colours along the gradient; 1024
// steps leave no visible banding at card sizes.
const lutSize = 1024

func (g *gradientLayer) draw(st *renderState, l *layer) error {
	g.g.paint(st.dst, g.box, g.g.lut(st.vals, l.opacity), nil, g.box.pixels())
	return nil
}

// paint composites the gradient, laid over box, onto dst within area;
// with a mask (lying over area), only where the mask covers.
func (g *gradient) paint(dst *image.RGBA, box rect, lut *[lutSize]color.RGBA, mask *image.Alpha, area image.Rectangle) {
	r := area.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	if g.radial {
		g.paintRadial(dst, box, lut, mask, area, r)
		return
	}
	// t(x, y) = a*x + b*y + c maps a pixel centre to its place along the
	// gradient line, whose length follows CSS so that corners get the end
	// colours exactly.
	rad := g.angle * math.Pi / 180
	dx, dy := math.Sin(rad), -math.Cos(rad)
	length := math.Abs(box.W*dx) + math.Abs(box.H*dy)
	if length == 0 {
		return
	}
	cx, cy := box.X+box.W/2, box.Y+box.H/2
	a, b := dx/length, dy/length
	c := 0.5 - a*cx - b*cy
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)]
		cov := maskRow(mask, area, r, y)
		t := a*(float64(r.Min.X)+0.5) + b*(float64(y)+0.5) + c
		if a == 0 && cov == nil { // vertical: one colour per row
			blendRow(row, lut[lutIndex(t)])
			continue
		}
		for i := 0; i < len(row); i += 4 {
			blendCovered(row[i:i+4], lut[lutIndex(t)], cov, i/4)
			t += a
		}
	}
}

// paintRadial is paint for a radial gradient: t is the distance from the
// centre over the distance to the farthest corner, as CSS's
// radial-gradient(circle farthest-corner at cx cy, ...).
func (g *gradient) paintRadial(dst *image.RGBA, box rect, lut *[lutSize]color.RGBA, mask *image.Alpha, area, r image.Rectangle) {
	cx, cy := box.X+g.cx*box.W, box.Y+g.cy*box.H
	reach := math.Hypot(max(cx-box.X, box.X+box.W-cx), max(cy-box.Y, box.Y+box.H-cy))
	if reach == 0 {
		return
	}
	inv := 1 / reach
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)]
		cov := maskRow(mask, area, r, y)
		dy := float64(y) + 0.5 - cy
		dx := float64(r.Min.X) + 0.5 - cx
		for i := 0; i < len(row); i += 4 {
			blendCovered(row[i:i+4], lut[lutIndex(math.Sqrt(dx*dx+dy*dy)*inv)], cov, i/4)
			dx++
		}
	}
}

// maskRow is the part of mask's row y (on the card) under r, or nil
// without a mask.
func maskRow(mask *image.Alpha, area, r image.Rectangle, y int) []uint8 {
	if mask == nil {
		return nil
	}
	off := (y-area.Min.Y)*mask.Stride + r.Min.X - area.Min.X
	return mask.Pix[off : off+r.Dx()]
}

// blendCovered composites c over px at the coverage cov[i] (full without
// a mask).
func blendCovered(px []uint8, c color.RGBA, cov []uint8, i int) {
	if cov != nil {
		if cov[i] == 0 {
			return
		}
		if cov[i] < 255 {
			c = scaleRGBA(c, cov[i])
		}
	}
	blendOver(px, c)
}

// scaleRGBA scales a premultiplied colour by a coverage.
func scaleRGBA(c color.RGBA, k uint8) color.RGBA {
	m := func(v uint8) uint8 { return uint8((uint32(v)*uint32(k) + 127) / 255) }
	return color.RGBA{m(c.R), m(c.G), m(c.B), m(c.A)}
}

func lutIndex(t float64) int {
	return min(max(int(t*(lutSize-1)), 0), lutSize-1)
}

// blendRow composites one colour over a row of pixels. Under a vertical
// gradient a row is one colour, so the per-channel products come from a
// 256-entry table made once per row, and a pixel equal to its left
// neighbour (a flat background: most of a card) reuses its result. Both
// give exactly what blendOver gives.
func blendRow(row []uint8, c color.RGBA) {
	if c.A == 0 {
		return
	}
	var scaled [256]uint8
	inv := 255 - uint32(c.A)
	for v := range scaled {
		scaled[v] = uint8((uint32(v)*inv + 127) / 255)
	}
	var lastIn, lastOut uint32
	haveLast := false
	for i := 0; i+3 < len(row); i += 4 {
		px := (*[4]uint8)(row[i : i+4])
		in := binary.LittleEndian.Uint32(px[:])
		if haveLast && in == lastIn {
			binary.LittleEndian.PutUint32(px[:], lastOut)
			continue
		}
		px[0] = c.R + scaled[px[0]]
		px[1] = c.G + scaled[px[1]]
		px[2] = c.B + scaled[px[2]]
		px[3] = c.A + scaled[px[3]]
		lastIn, lastOut, haveLast = in, binary.LittleEndian.Uint32(px[:]), true
	}
}

// lut precomputes the gradient's premultiplied colours, with opacity.
func (g *gradient) lut(vals map[string]string, opacity float64) *[lutSize]color.RGBA {
	stops := make([]color.RGBA, len(g.stops))
	for i, s := range g.stops {
		stops[i] = fade(s.color.resolve(vals), opacity)
	}
	var lut [lutSize]color.RGBA
	j := 0
	for i := range lut {
		t := float64(i) / (lutSize - 1)
		for j < len(g.stops)-1 && t > g.stops[j+1].at {
			j++
		}
		lut[i] = g.colorAt(t, j, stops)
	}
	return &lut
}

// colorAt interpolates in premultiplied space, as CSS does, so a fade to
// transparent does not go grey.
func (g *gradient) colorAt(t float64, j int, stops []color.RGBA) color.RGBA {
	if t <= g.stops[0].at {
		return stops[0]
	}
	if j >= len(g.stops)-1 {
		return stops[len(stops)-1]
	}
	span := g.stops[j+1].at - g.stops[j].at
	f := 1.0
	if span > 0 {
		f = (t - g.stops[j].at) / span
	}
	mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-f) + float64(b)*f + 0.5) }
	p, q := stops[j], stops[j+1]
	return color.RGBA{mix(p.R, q.R), mix(p.G, q.G), mix(p.B, q.B), mix(p.A, q.A)}
}

// blendOver composites a premultiplied colour over one RGBA pixel.
func blendOver(px []uint8, c color.RGBA) {
	if c.A == 0 {
		return
	}
	inv := 255 - uint32(c.A)
	px[0] = uint8(uint32(c.R) + (uint32(px[0])*inv+127)/255)
	px[1] = uint8(uint32(c.G) + (uint32(px[1])*inv+127)/255)
	px[2] = uint8(uint32(c.B) + (uint32(px[2])*inv+127)/255)
	px[3] = uint8(uint32(c.A) + (uint32(px[3])*inv+127)/255)
}

var _ drawer = (*gradientLayer)(nil)
