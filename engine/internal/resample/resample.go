package resample

import (
	"image"
	"math"
	"sync"
)

// Scale draws the part sr of src scaled to exactly fill dr of dst.
//
// Pixels are premultiplied RGBA and the operation is like draw.Src over dr:
// dst pixels in dr are replaced, including their alpha. sr is first clipped
// to src.Bounds() and the clipped source is what fills dr. dr is clipped to
// dst.Bounds() as a window: pixels of dr outside dst are simply not drawn,
// and the visible ones are the same as if dst were large enough. Empty
// rectangles are a no-op, and no rectangle makes Scale panic. An
// *image.Uniform source simply fills dr.
func Scale(dst *image.RGBA, dr image.Rectangle, src image.Image, sr image.Rectangle) {
	ScaleF(dst, dr, src, float64(sr.Min.X), float64(sr.Min.Y), float64(sr.Max.X), float64(sr.Max.Y))
}

// OpaqueRGBA is an RGBA picture its maker knows to be opaque, such as a
// decoded JPEG: Scale then takes the cheaper opaque pipeline, and anyone
// asking Opaque gets the answer, without scanning every alpha byte to find
// out (5.8 MB for a 1600x900 photo).
type OpaqueRGBA struct{ *image.RGBA }

// Opaque reports true without looking.
func (OpaqueRGBA) Opaque() bool { return true }

// ScaleF is like Scale, but takes the source rectangle [sx0, sx1) x [sy0,
// sy1) in floating-point pixel coordinates, so a crop can start or end part
// way through a pixel (cover-fitting around a focal point). Pixel (x, y) of
// the source covers [x, x+1) x [y, y+1). Only source pixels that overlap
// the rectangle are read. NaN or inverted coordinates are a no-op.
func ScaleF(dst *image.RGBA, dr image.Rectangle, src image.Image, sx0, sy0, sx1, sy1 float64) {
	known := false
	if o, ok := src.(OpaqueRGBA); ok {
		src, known = o.RGBA, o.RGBA != nil
	}
	if dst == nil || src == nil {
		return
	}
	adr := dr.Intersect(dst.Bounds())
	sb := src.Bounds()
	sx0, sx1 = max(sx0, float64(sb.Min.X)), min(sx1, float64(sb.Max.X))
	sy0, sy1 = max(sy0, float64(sb.Min.Y)), min(sy1, float64(sb.Max.Y))
	// Written as negations so that NaN, which fails every comparison,
	// bails out too.
	if adr.Empty() || !(sx0 < sx1) || !(sy0 < sy1) {
		return
	}
	if u, ok := src.(*image.Uniform); ok {
		// Its bounds are effectively infinite; filtering would be absurd.
		fill(dst, adr, fromColor(u.C))
		return
	}
	cols := span{
		s0: sx0, s1: sx1, d0: float64(dr.Min.X), d1: float64(dr.Max.X),
		dLo: adr.Min.X, dHi: adr.Max.X, sLo: floorInt(sx0), sHi: ceilInt(sx1),
	}
	rows := span{
		s0: sy0, s1: sy1, d0: float64(dr.Min.Y), d1: float64(dr.Max.Y),
		dLo: adr.Min.Y, dHi: adr.Max.Y, sLo: floorInt(sy0), sHi: ceilInt(sy1),
	}

	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.opaque = known || isOpaque(src, image.Rect(cols.sLo, rows.sLo, cols.sHi, rows.sHi))
	hBits := uint(hBits4)
	if s.opaque {
		hBits = hBits3
	}
	s.cols.build(cols, hBits)
	s.rows.build(rows, vBits)
	s.run(dst, adr, src)
}

// fill sets every pixel of r, which lies inside dst, to the packed colour c.
func fill(dst *image.RGBA, r image.Rectangle, c pair) {
	px := [4]uint8{uint8(c.rb), uint8(c.ga), uint8(c.rb >> 32), uint8(c.ga >> 32)}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(r.Min.X, y):][:4*r.Dx()]
		for i := 0; i < len(row); i += 4 {
			copy(row[i:i+4], px[:])
		}
	}
}

// floorInt and ceilInt convert clipped source coordinates, which lie within
// an image's integer bounds, to pixel indices.
func floorInt(f float64) int { return int(math.Floor(f)) }
func ceilInt(f float64) int  { return int(math.Ceil(f)) }

// scratch holds every buffer one call needs. It is pooled so that rendering
// many cards allocates nothing in steady state.
type scratch struct {
	cols, rows axis
	opaque     bool      // which pipeline: see lanes.go
	src3       []int64   // one converted source row, opaque pipeline
	src4       []pair    // one converted source row, alpha pipeline
	sums       []int64   // raw horizontal sums of one row, opaque pipeline
	ring       []int64   // backing store of horizontally filtered mid rows
	ringRows   [][]int64 // views of ring, one per slot
	ringY      []int     // source row held by each slot, relative to rows.lo
	taps       [][]int64 // the mid rows one output row reads
	acc        []int64   // vertical sums of one output row
	palette4   [256]pair
	palette3   [256]int64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// run streams the image. Horizontally filtered source rows live in a ring
// of rows.maxTaps slots, so the intermediate image is never materialised
// and stays cache-resident, and as output rows read source rows in
// non-decreasing order each source row is converted and filtered once.
func (s *scratch) run(dst *image.RGBA, adr image.Rectangle, src image.Image) {
	w := adr.Dx()
	words := 2 * w // alpha pipeline: two words per pixel
	if s.opaque {
		words = 3 * ((w + 1) / 2) // three words per pixel pair
	}
	// Padded taps read up to cols.taps zero words past the last real pixel.
	n := s.cols.hi - s.cols.lo + s.cols.pad()
	if s.opaque {
		s.src3 = grow(s.src3, n)
		clear(s.src3)
	} else {
		s.src4 = grow(s.src4, n)
		clear(s.src4)
	}
	slots := s.rows.maxTaps
	s.ring = grow(s.ring, slots*words)
	clear(s.ring) // the unused half of an odd width's last pair stays zero
	s.ringRows = grow(s.ringRows, slots)
	s.ringY = grow(s.ringY, slots)
	for i := range slots {
		s.ringRows[i] = s.ring[i*words : (i+1)*words : (i+1)*words]
		s.ringY[i] = -1
	}
	s.taps = grow(s.taps, slots)
	s.acc = grow(s.acc, words)
	s.sums = grow(s.sums, w)
	s.loadPalette(src)

	for k := range adr.Dy() {
		ws := s.rows.w[s.rows.off[k]:s.rows.off[k+1]]
		first := int(s.rows.start[k])
		taps := s.taps[:len(ws)]
		for t := range taps {
			taps[t] = s.midRow(src, first+t, w)
		}
		vfilter(s.acc, taps, ws)
		pix := dst.Pix[dst.PixOffset(adr.Min.X, adr.Min.Y+k):]
		if s.opaque {
			write3(pix, s.acc, w)
		} else {
			write4(pix, s.acc)
		}
	}
}

// midRow returns source row y (relative to rows.lo), horizontally filtered
// to w pixels, computing it into its ring slot if it is not already there.
// A window of at most len(ringY) consecutive rows maps to distinct slots,
// so fetching one row of an output row's window never evicts another.
func (s *scratch) midRow(src image.Image, y, w int) []int64 {
	slot := y % len(s.ringY)
	row := s.ringRows[slot]
	if s.ringY[slot] == y {
		return row
	}
	n := s.cols.hi - s.cols.lo
	if s.opaque {
		read3(s, src, s.src3[:n], s.cols.lo, s.rows.lo+y)
		hfilter3(row, s.src3, s.sums, &s.cols)
	} else {
		read4(s, src, s.src4[:n], s.cols.lo, s.rows.lo+y)
		hfilter4(row, s.src4, &s.cols, w)
	}
	s.ringY[slot] = y
	return row
}
