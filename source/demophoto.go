package source

import (
	"image"
	"image/color"
	"math"
)

// Demo photos are drawn rather than shipped or downloaded: a sky gradient,
// soft out-of-focus discs, two ridges of hills and a little grain. The
// grain is what makes them photo-like to a JPEG encoder (~150 KB at
// quality 85) and to the eye.
const (
	photoWidth  = 1600
	photoHeight = 900
	photoDiscs  = 14
	photoGrain  = 5.0 // peak grain, in 8-bit levels
)

// photoStyle is one demo photo's palette and seed.
type photoStyle struct {
	skyTop, skyBottom color.RGBA
	near, far         color.RGBA // the hills
	disc              []color.RGBA
	seed              uint64
}

// disc is a soft bokeh circle.
type disc struct {
	x, y, r, alpha float64
	c              [3]float64
}

// splitmix64 is a tiny PRNG whose sequence, unlike math/rand's, is fixed by
// this code, so the photos are the same bytes on every start and machine.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a number in [0, 1).
func (s *splitmix64) float() float64 { return float64(s.next()>>11) / (1 << 53) }

// drawPhoto paints the photo of style.
func drawPhoto(style photoStyle) *image.RGBA {
	rng := splitmix64(style.seed)
	discs := makeDiscs(&rng, style.disc)
	ridgeFar, ridgeNear := makeRidge(&rng, 0.58), makeRidge(&rng, 0.74)
	img := image.NewRGBA(image.Rect(0, 0, photoWidth, photoHeight))
	row := make([]disc, 0, len(discs))
	for y := range photoHeight {
		row = discsOnRow(row[:0], discs, float64(y))
		for x := range photoWidth {
			c := sky(style, x, y)
			c = applyDiscs(c, row, float64(x), float64(y))
			c = applyHill(c, style.far, ridgeFar, x, y, 0.75)
			c = applyHill(c, style.near, ridgeNear, x, y, 0.92)
			grain := (rng.float() - 0.5) * 2 * photoGrain
			i := img.PixOffset(x, y)
			for k := range 3 {
				img.Pix[i+k] = clampByte(c[k] + grain)
			}
			img.Pix[i+3] = 0xff
		}
	}
	return img
}

func makeDiscs(rng *splitmix64, palette []color.RGBA) []disc {
	ds := make([]disc, photoDiscs)
	for i := range ds {
		p := palette[i%len(palette)]
		ds[i] = disc{
			x:     rng.float() * photoWidth,
			y:     rng.float() * photoHeight * 0.7,
			r:     40 + rng.float()*180,
			alpha: 0.12 + rng.float()*0.3,
			c:     [3]float64{float64(p.R), float64(p.G), float64(p.B)},
		}
	}
	return ds
}

// ridge is a skyline of summed sines around a base height (a fraction of
// the photo's height).
type ridge struct {
	base        float64
	amp, freq   [3]float64
	phase       [3]float64
	heightAtCol []float64
}

func makeRidge(rng *splitmix64, base float64) ridge {
	r := ridge{base: base * photoHeight, heightAtCol: make([]float64, photoWidth)}
	for k := range 3 {
		r.amp[k] = photoHeight * (0.02 + rng.float()*0.06) / float64(k+1)
		r.freq[k] = (1 + rng.float()*2) * float64(k+1) * 2 * math.Pi / photoWidth
		r.phase[k] = rng.float() * 2 * math.Pi
	}
	for x := range r.heightAtCol {
		h := r.base
		for k := range 3 {
			h += r.amp[k] * math.Sin(r.freq[k]*float64(x)+r.phase[k])
		}
		r.heightAtCol[x] = h
	}
	return r
}

func sky(style photoStyle, x, y int) [3]float64 {
	// A slight diagonal keeps the gradient from looking like a flat wash.
	t := (float64(y) + 0.25*float64(x)) / (photoHeight + 0.25*photoWidth)
	t = t * t * (3 - 2*t)
	return mix(rgb(style.skyTop), rgb(style.skyBottom), t)
}

// discsOnRow appends to dst the discs that cross row y, so that most
// pixels test a few discs, not all.
func discsOnRow(dst, ds []disc, y float64) []disc {
	for _, d := range ds {
		if math.Abs(y-d.y) < d.r {
			dst = append(dst, d)
		}
	}
	return dst
}

func applyDiscs(c [3]float64, ds []disc, x, y float64) [3]float64 {
	for _, d := range ds {
		dx, dy := x-d.x, y-d.y
		if math.Abs(dx) > d.r || math.Abs(dy) > d.r {
			continue
		}
		dist := math.Sqrt(dx*dx+dy*dy) / d.r
		if dist >= 1 {
			continue
		}
		// Flat in the middle, fading over the outer fifth: a lens's bokeh.
		edge := math.Min(1, (1-dist)*5)
		c = mix(c, d.c, d.alpha*edge)
	}
	return c
}

func applyHill(c [3]float64, hill color.RGBA, r ridge, x, y int, alpha float64) [3]float64 {
	top := r.heightAtCol[x]
	if float64(y) < top {
		return c
	}
	// Darker lower down, like haze thinning towards the viewer.
	depth := math.Min(1, (float64(y)-top)/(photoHeight-top+1))
	return mix(c, mix(rgb(hill), [3]float64{}, depth*0.5), alpha)
}

func rgb(c color.RGBA) [3]float64 { return [3]float64{float64(c.R), float64(c.G), float64(c.B)} }

func mix(a, b [3]float64, t float64) [3]float64 {
	return [3]float64{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
}

func clampByte(v float64) uint8 {
	return uint8(math.Round(math.Max(0, math.Min(255, v))))
}
