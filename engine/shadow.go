package engine

import (
	"image"
	"image/draw"
	"math"
	"slices"
)

// shadow is a text shadow: the text's coverage, offset, blurred and
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
	s.dx = floatOr(spec.X, s.dx)
	s.dy = floatOr(spec.Y, s.dy)
	s.blurRadius = floatOr(spec.Blur, s.blurRadius)
	return s
}

// draw paints the shadow of a text whose coverage mask lies over area.
func (s *shadow) draw(st *renderState, mask *image.Alpha, area image.Rectangle, opacity float64) {
	col := fade(s.color.resolve(st.vals), opacity)
	if col.A == 0 {
		return
	}
	if s.blurRadius >= 0.5 {
		blurred := &image.Alpha{Pix: slices.Clone(mask.Pix), Stride: mask.Stride, Rect: mask.Rect}
		boxBlur(blurred, s.blurRadius)
		mask = blurred
	}
	at := area.Add(image.Pt(int(math.Round(s.dx)), int(math.Round(s.dy))))
	draw.DrawMask(st.dst, at, image.NewUniform(col), image.Point{}, mask, image.Point{}, draw.Over)
}

// boxBlur approximates a Gaussian blur of the given radius with three box
// blurs per axis, in place.
func boxBlur(a *image.Alpha, radius float64) {
	r := max(int(math.Round(radius/2)), 1)
	w, h := a.Rect.Dx(), a.Rect.Dy()
	row := make([]uint8, w)
	sums := make([]int32, w)
	for range 3 {
		for y := range h {
			blurRow(a.Pix[y*a.Stride:y*a.Stride+w], r, row)
		}
		blurColumns(a, r, sums)
	}
}

// blurRow runs a moving average of width 2r+1 along one row, treating
// pixels outside as 0. The row is walked in three stretches (the window
// entering, sliding, leaving) so the hot middle has no bounds tests.
func blurRow(pix []uint8, r int, tmp []uint8) {
	n := len(pix)
	tmp = tmp[:n]
	copy(tmp, pix)
	sum := 0
	for i := 0; i <= r && i < n; i++ {
		sum += int(tmp[i])
	}
	inv := reciprocal(r)
	i := 0
	for ; i < n && i < r; i++ { // no pixel leaves yet
		pix[i] = uint8((sum * inv) >> 24)
		if j := i + r + 1; j < n {
			sum += int(tmp[j])
		}
	}
	if n > 2*r+1 {
		in, out := tmp[2*r+1:], tmp[:n-2*r-1]
		dst := pix[r : n-r-1]
		for k := range dst { // one pixel enters and one leaves
			dst[k] = uint8((sum * inv) >> 24)
			sum += int(in[k]) - int(out[k])
		}
		i = n - r - 1
	}
	for ; i < n; i++ { // no pixel enters any more
		pix[i] = uint8((sum * inv) >> 24)
		if j := i + r + 1; j < n {
			sum += int(tmp[j])
		}
		if j := i - r; j >= 0 {
			sum -= int(tmp[j])
		}
	}
}

// blurColumns runs the same moving average down every column at once,
// row by row, so memory is read in order rather than a stride apart.
func blurColumns(a *image.Alpha, r int, sums []int32) {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	rowAt := func(y int) []uint8 { return a.Pix[y*a.Stride : y*a.Stride+w] }
	sums = sums[:w]
	clear(sums)
	for y := 0; y <= r && y < h; y++ {
		for x, v := range rowAt(y) {
			sums[x] += int32(v)
		}
	}
	// Rows leave the window after they are overwritten, so keep the
	// originals of the last r+1 rows in a small ring.
	ring := make([][]uint8, r+1)
	for i := range ring {
		ring[i] = make([]uint8, w)
	}
	zero := make([]uint8, w)
	inv := int32(reciprocal(r))
	for y := range h {
		cur := rowAt(y)
		saved := ring[y%(r+1)]
		copy(saved, cur)
		in, out := zero, zero
		if j := y + r + 1; j < h {
			in = rowAt(j)
		}
		if j := y - r; j >= 0 {
			out = ring[j%(r+1)]
		}
		// One pass: write the average, then slide the window.
		in, out = in[:w], out[:w]
		for x := range cur {
			s := sums[x]
			cur[x] = uint8((int64(s) * int64(inv)) >> 24)
			sums[x] = s + int32(in[x]) - int32(out[x])
		}
	}
}

// reciprocal is 1/(2r+1) in 8.24 fixed point: multiplying by it is much
// cheaper than dividing in the inner loops, and exact for sums of bytes.
func reciprocal(r int) int {
	div := 2*r + 1
	return ((1 << 24) + div - 1) / div
}

func alphaOf(img *image.RGBA) *image.Alpha {
	a := image.NewAlpha(img.Bounds())
	for i := range a.Pix {
		a.Pix[i] = img.Pix[i*4+3]
	}
	return a
}
