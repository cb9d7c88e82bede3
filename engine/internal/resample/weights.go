package resample

import "math"

// support is the Catmull-Rom kernel's radius in source pixels at 1:1.
const support = 2.0

// catmullRom evaluates the Catmull-Rom cubic (a = -0.5) at t >= 0, using the
// same formula as golang.org/x/image/draw.CatmullRom.
func catmullRom(t float64) float64 {
	if t < 1 {
		return (1.5*t-2.5)*t*t + 1
	}
	if t < support {
		return ((-0.5*t+2.5)*t-4)*t + 2
	}
	return 0
}

// axis holds, for each destination index along one axis, the run of source
// indices that contribute to it and their fixed-point weights.
type axis struct {
	lo, hi  int     // source indices [lo, hi) read by any destination index
	start   []int32 // per destination: first source index, relative to lo
	off     []int32 // per destination: weights are w[off[i]:off[i+1]]
	w       []int32 // fixed-point weights, each run summing to 1<<bits
	maxTaps int     // longest run; sizes the vertical ring buffer
	taps    int     // padded run length used by the horizontal pass
	run4    []run4  // padded runs when taps == 4
	run6    []run6  // padded runs when taps == 6
	dense   []int64 // padded weights (taps per index) for longer runs
	tmp     []float64
}

// span describes how destination indices map onto the source along an axis.
type span struct {
	s0, s1   float64 // source interval, already clipped to the source bounds
	d0, d1   float64 // full (unclipped) destination interval
	dLo, dHi int     // destination indices to compute, clipped to dst bounds
	sLo, sHi int     // source indices that may be read
}

// build fills a with weights for sp in bits-bit fixed point. It reuses a's
// slices, so a pooled axis does not allocate in steady state.
func (a *axis) build(sp span, bits uint) {
	n := sp.dHi - sp.dLo
	a.start = grow(a.start, n)
	a.off = grow(a.off, n+1)
	a.w = a.w[:0]
	a.maxTaps = 0
	a.lo, a.hi = sp.sHi, sp.sLo

	scale := (sp.s1 - sp.s0) / (sp.d1 - sp.d0)
	// When shrinking, stretch the kernel over scale source pixels so that
	// every source pixel contributes; this is what prevents aliasing.
	halfWidth, argScale := support, 1.0
	if scale > 1 {
		halfWidth, argScale = support*scale, 1/scale
	}

	for k := range n {
		d := float64(sp.dLo+k) - sp.d0
		center := sp.s0 + (d+0.5)*scale - 0.5
		a.off[k] = int32(len(a.w))
		first := a.appendTaps(center, halfWidth, argScale, sp, bits)
		taps := len(a.w) - int(a.off[k])
		a.start[k] = int32(first) // made relative to lo below
		a.lo = min(a.lo, first)
		a.hi = max(a.hi, first+taps)
		a.maxTaps = max(a.maxTaps, taps)
	}
	a.off[n] = int32(len(a.w))
	for k := range a.start {
		a.start[k] -= int32(a.lo)
	}
}

// appendTaps appends the fixed-point weights for one destination pixel whose
// centre maps to source coordinate center, and returns the source index of
// the first weight.
func (a *axis) appendTaps(center, halfWidth, argScale float64, sp span, bits uint) int {
	i := max(int(math.Floor(center-halfWidth)), sp.sLo)
	j := min(int(math.Ceil(center+halfWidth)), sp.sHi)

	// Float weights first, so they can be normalised by their total: taps
	// beyond the source edge are simply missing, and renormalising keeps
	// flat areas flat right up to the border.
	a.tmp = a.tmp[:0]
	total := 0.0
	for s := i; s < j; s++ {
		w := catmullRom(math.Abs(center-float64(s)) * argScale)
		a.tmp = append(a.tmp, w)
		total += w
	}
	one := float64(int(1) << bits)
	if !(total > 0) {
		// Only reachable with absurd float coordinates; fall back to the
		// nearest pixel rather than dividing by zero.
		a.w = append(a.w, int32(one))
		return min(max(int(math.Round(center)), sp.sLo), sp.sHi-1)
	}

	// Round the running sum rather than each weight, so a run sums to
	// exactly 1<<bits (solid colours stay exact), tiny weights of a very
	// wide kernel are not all rounded away, and the error of any partial
	// sum stays below half a unit.
	base := len(a.w)
	cum, prev := 0.0, int32(0)
	for _, w := range a.tmp {
		cum += w
		r := int32(math.Round(cum / total * one))
		a.w = append(a.w, r-prev)
		prev = r
	}

	// Drop zero weights at both ends: at integer alignment Catmull-Rom is
	// zero at t = 1, and skipping those taps is free speed.
	run := a.w[base:]
	lead := 0
	for lead < len(run)-1 && run[lead] == 0 {
		lead++
	}
	end := len(run)
	for end > lead+1 && run[end-1] == 0 {
		end--
	}
	copy(run, run[lead:end])
	a.w = a.w[:base+end-lead]
	return i + lead
}

// run4 and run6 are padded runs for the unrolled horizontal loops: the
// start (relative to lo) sits next to its weights, and the weights are
// widened to int64 so the multiplies can take them straight from memory.
type run4 struct {
	s int
	w [4]int64
}

type run6 struct {
	s int
	w [6]int64
}

// pad lays a's weights out with a fixed, zero-padded run length per
// destination index, so the horizontal pass needs no per-pixel
// bookkeeping and common lengths get unrolled loops. It returns the length.
func (a *axis) pad() int {
	n := len(a.start)
	switch {
	case a.maxTaps <= 4:
		a.taps, a.run4 = 4, grow(a.run4, n)
		for k := range n {
			a.run4[k] = run4{s: int(a.start[k])}
			widen(a.run4[k].w[:], a.w[a.off[k]:a.off[k+1]])
		}
	case a.maxTaps <= 6:
		a.taps, a.run6 = 6, grow(a.run6, n)
		for k := range n {
			a.run6[k] = run6{s: int(a.start[k])}
			widen(a.run6[k].w[:], a.w[a.off[k]:a.off[k+1]])
		}
	default:
		a.taps = (a.maxTaps + 1) &^ 1 // the generic loop takes two at a time
		a.dense = grow(a.dense, n*a.taps)
		clear(a.dense)
		for k := range n {
			widen(a.dense[k*a.taps:], a.w[a.off[k]:a.off[k+1]])
		}
	}
	return a.taps
}

// widen copies src into the start of dst.
func widen(dst []int64, src []int32) {
	for i, w := range src {
		dst[i] = int64(w)
	}
}

// grow returns s resized to n, reallocating only when capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
