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
// rectangles are a no-op, and no rectangle makes Scale panic.
func Scale(dst *image.RGBA, dr image.Rectangle, src image.Image, sr image.Rectangle) {
	ScaleF(dst, dr, src, float64(sr.Min.X), float64(sr.Min.Y), float64(sr.Max.X), float64(sr.Max.Y))
}

// ScaleF is like Scale, but takes the source rectangle [sx0, sx1) x [sy0,
// sy1) in floating-point pixel coordinates, so a crop can start or end part
// way through a pixel (cover-fitting around a focal point). Pixel (x, y) of
// the source covers [x, x+1) x [y, y+1). Source pixels outside the integer
// rectangle that covers the float one are never read. NaN or inverted
// coordinates are a no-op.
func ScaleF(dst *image.RGBA, dr image.Rectangle, src image.Image, sx0, sy0, sx1, sy1 float64) {
	if dst == nil || src == nil {
		return
	}
	adr := dr.Intersect(dst.Bounds())
	sb := src.Bounds()
	sx0, sx1 = max(sx0, float64(sb.Min.X)), min(sx1, float64(sb.Max.X))
	sy0, sy1 = max(sy0, float64(sb.Min.Y)), min(sy1, float64(sb.Max.Y))
	// Written as negations so NaN, which fails every comparison, bails out.
	if adr.Empty() || !(sx0 < sx1) || !(sy0 < sy1) {
		return
	}

	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.cols.build(span{
		s0: sx0, s1: sx1, d0: float64(dr.Min.X), d1: float64(dr.Max.X),
		dLo: adr.Min.X, dHi: adr.Max.X, sLo: floorInt(sx0), sHi: ceilInt(sx1),
	})
	s.rows.build(span{
		s0: sy0, s1: sy1, d0: float64(dr.Min.Y), d1: float64(dr.Max.Y),
		dLo: adr.Min.Y, dHi: adr.Max.Y, sLo: floorInt(sy0), sHi: ceilInt(sy1),
	})
	s.run(dst, adr, src)
}

// floorInt and ceilInt convert clipped source coordinates, which are known
// to lie within an image's integer bounds, to pixel indices.
func floorInt(f float64) int { return int(math.Floor(f)) }
func ceilInt(f float64) int  { return int(math.Ceil(f)) }

// scratch holds every buffer one call needs. Buffers are pooled so that
// rendering many cards of the same size allocates nothing in steady state.
type scratch struct {
	cols, rows axis
	srcRow     []pair   // one converted source row, columns cols.lo..cols.hi
	ring       []pair   // backing store of the horizontally filtered rows
	ringRows   [][]pair // ring slot views into ring
	ringY      []int    // source row held by each slot, relative to rows.lo
	taps       [][]pair // per output row: the ring rows it reads
	acc        []pair   // vertical sums for one output row
	palette    [256]pair
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// run streams the image: horizontally filtered source rows live in a ring
// of rows.maxTaps slots, so the intermediate image is never materialised
// and stays cache-resident, and each source row is converted and filtered
// once (output rows read source rows in non-decreasing order).
func (s *scratch) run(dst *image.RGBA, adr image.Rectangle, src image.Image) {
	w := adr.Dx()
	slots := s.rows.maxTaps
	s.cols.pad(denseTaps(s.cols.maxTaps))
	// Padded taps may read up to cols.taps pairs past the last real source
	// column; they have zero weight, and the zeroed tail keeps them harmless.
	s.srcRow = grow(s.srcRow, s.cols.hi-s.cols.lo+s.cols.taps)
	clear(s.srcRow)
	s.ring = grow(s.ring, slots*w)
	s.ringRows = grow(s.ringRows, slots)
	s.ringY = grow(s.ringY, slots)
	for i := range slots {
		s.ringRows[i] = s.ring[i*w : (i+1)*w : (i+1)*w]
		s.ringY[i] = -1
	}
	s.taps = grow(s.taps, slots)
	s.acc = grow(s.acc, w)
	s.loadPalette(src)

	for k := range adr.Dy() {
		ws := s.rows.w[s.rows.off[k]:s.rows.off[k+1]]
		first := int(s.rows.start[k])
		taps := s.taps[:len(ws)]
		for t := range taps {
			taps[t] = s.ringRow(src, first+t)
		}
		filterCols(s.acc, taps, ws)
		writeRow(dst.Pix[dst.PixOffset(adr.Min.X, adr.Min.Y+k):], s.acc)
	}
}

// ringRow returns source row y (relative to rows.lo), horizontally
// filtered, computing it into its ring slot if it is not already there.
// A run of at most len(ring) consecutive rows maps to distinct slots, so
// fetching one row of an output row's window never evicts another.
func (s *scratch) ringRow(src image.Image, y int) []pair {
	slot := y % len(s.ringY)
	row := s.ringRows[slot]
	if s.ringY[slot] != y {
		readRow(s, src, s.srcRow[:s.cols.hi-s.cols.lo], s.cols.lo, s.rows.lo+y)
		filterRow(row, s.srcRow, &s.cols)
		s.ringY[slot] = y
	}
	return row
}
