package resample

import "encoding/binary"

// The filters are limited by the CPU's integer multiplier, so several
// channels share each multiply by living in lanes of one int64. Lanes are
// plain arithmetic (word = lane0 + lane1*2^k + ...), so negative weights and
// negative lane values are fine: summing weighted words sums each lane, and
// split/unpack3 recover the signed lanes as long as each stays in range.
//
// Two pipelines share the vertical pass:
//
//   - Opaque sources (YCbCr, Gray, RGBA/NRGBA/Paletted with no transparency)
//     carry only R, G, B, centred on 128, in three 21-bit lanes: one multiply
//     per tap. The horizontal weights then have hBits3 = 12 bits:
//     |sum| <= 128 * 1.25 * 2^12 < 2^20. Mid rows hold R0+B0<<32,
//     R1+B1<<32, G0+G1<<32 per pixel pair.
//   - Other sources carry premultiplied R+B<<32 and G+A<<32: two multiplies
//     per tap, 14-bit weights: |sum| <= 255 * 1.25 * 2^14 < 2^23. Mid rows
//     hold those two words per pixel.
//
// 1.25 bounds the sum of |weights| of a normalised Catmull-Rom run (see
// TestWeightBounds). Horizontal sums are narrowed to midBits fractional bits,
// so the vertical pass sums at most 255 * 1.25 * 2^7 * 1.25 * 2^14 < 2^31
// per 32-bit lane.
const (
	hBits3  = 12
	hBits4  = 14
	vBits   = 14
	midBits = 7
	outBits = vBits + midBits
)

// pair is one premultiplied pixel of the alpha pipeline's source rows.
type pair struct{ rb, ga int64 }

// pack4 builds a pair from 8-bit premultiplied channels.
func pack4(r, g, b, a uint32) pair {
	return pair{int64(r) | int64(b)<<32, int64(g) | int64(a)<<32}
}

// pack3 builds an opaque pipeline source word from 8-bit channels.
func pack3(r, g, b uint32) int64 {
	return int64(r) - 128 + (int64(g)-128)<<21 + (int64(b)-128)<<42
}

// split recovers the two signed 32-bit lanes of a word.
func split(x int64) (lo, hi int64) {
	lo = int64(int32(x))
	return lo, (x - lo) >> 32
}

// unpack3 recovers the three signed 21-bit lanes of a word.
func unpack3(x int64) (r, g, b int64) {
	r = x << 43 >> 43
	x = (x - r) >> 21
	g = x << 43 >> 43
	return r, g, (x - g) >> 21
}

// narrow4 rounds both lanes of an alpha-pipeline horizontal sum to midBits.
func narrow4(x int64) int64 {
	const shift = hBits4 - midBits
	const half = 1 << (shift - 1)
	lo, hi := split(x + half + half<<32)
	return lo>>shift + (hi>>shift)<<32
}

// narrow3 splits an opaque horizontal sum into its lanes, rounded to
// midBits fractional bits.
func narrow3(v int64) (r, g, b int64) {
	const shift = hBits3 - midBits
	const half = 1 << (shift - 1)
	r, g, b = unpack3(v + half + half<<21 + half<<42)
	return r >> shift, g >> shift, b >> shift
}

// write4 rounds, clamps and stores one row of alpha-pipeline vertical sums.
// Colour is clamped to alpha because Catmull-Rom overshoot would otherwise
// break the premultiplied invariant at alpha edges.
func write4(pix []uint8, acc []int64) {
	const half = 1 << (outBits - 1)
	n := len(acc) / 2
	pix = pix[:4*n]
	for i := range n {
		r, b := split(acc[2*i] + half + half<<32)
		g, a := split(acc[2*i+1] + half + half<<32)
		a8 := clamp8(a >> outBits)
		q := pix[4*i : 4*i+4 : 4*i+4]
		q[0] = min(clamp8(r>>outBits), a8)
		q[1] = min(clamp8(g>>outBits), a8)
		q[2] = min(clamp8(b>>outBits), a8)
		q[3] = a8
	}
}

// write3 rounds, clamps and stores w opaque pixels from vertical sums.
func write3(pix []uint8, acc []int64, w int) {
	const half = 1<<(outBits-1) + 128<<outBits // rounding, and undo centring
	pix = pix[:4*w]
	for i := 0; 2*i < w; i++ {
		q := acc[3*i : 3*i+3 : 3*i+3]
		r0, b0 := split(q[0] + half + half<<32)
		r1, b1 := split(q[1] + half + half<<32)
		g0, g1 := split(q[2] + half + half<<32)
		binary.LittleEndian.PutUint32(pix[8*i:], rgbx(r0, g0, b0))
		if 2*i+1 < w {
			binary.LittleEndian.PutUint32(pix[8*i+4:], rgbx(r1, g1, b1))
		}
	}
}

// rgbx clamps vertical sums to bytes and packs an opaque RGBA pixel.
func rgbx(r, g, b int64) uint32 {
	return uint32(clamp8(r>>outBits)) | uint32(clamp8(g>>outBits))<<8 |
		uint32(clamp8(b>>outBits))<<16 | 0xff<<24
}

// clamp8 saturates v to [0, 255].
func clamp8(v int64) uint8 {
	if uint64(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return uint8(v)
}
