package resample

import "encoding/binary"

// The filters are limited by the CPU's integer multiplier, so several
// channels share each multiply by living in lanes of one int64. Lanes are
// plain arithmetic (word = lane0 + lane1*2^k + ...), so negative weights and
// negative lane values are fine: summing weighted words sums each lane, and
// the lanes can be recovered as long as each stays in range.
//
// Two pipelines share the vertical pass:
//
//   - Opaque sources (YCbCr, Gray, and RGBA, NRGBA or Paletted without
//     transparency) carry only R, G and B, centred on 128, in three 21-bit
//     lanes: one multiply per tap. Horizontal weights have hBits3 = 12
//     bits, so |sum| <= 128 * 1.25 * 2^12 < 2^20. Mid rows hold R0+B0<<32,
//     R1+B1<<32 and G0+G1<<32 per pixel pair.
//   - Other sources carry premultiplied R+B<<32 and G+A<<32: two multiplies
//     per tap, with 14-bit weights: |sum| <= 255 * 1.25 * 2^14 < 2^23. Mid
//     rows hold those two words per pixel.
//
// 1.25 (plus rounding) bounds the sum of |weights| of a normalised
// Catmull-Rom run; see TestWeightBounds. Horizontal sums are narrowed to
// midBits fractional bits, so the vertical pass sums at most
// 255 * 1.25 * 2^7 * 1.25 * 2^14 < 2^31 per 32-bit lane.
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

// narrow4 rounds both lanes of an alpha-pipeline horizontal sum to midBits.
func narrow4(x int64) int64 {
	const shift = hBits4 - midBits
	const half = 1 << (shift - 1)
	lo, hi := split(x + half + half<<32)
	return lo>>shift + (hi>>shift)<<32
}

// mid3 rounds opaque horizontal sums to midBits and stores them in the mid
// row layout: R0+B0<<32, R1+B1<<32, G0+G1<<32 per pixel pair.
//
// Adding 2^20 to every lane first makes all lanes non-negative, so none
// borrows from the next and each can be cut out with a shift and a mask;
// the bias (2^15 once narrowed) is taken off again when repacking.
func mid3(out, sums []int64) {
	const shift = hBits3 - midBits
	const lane = 1<<20 + 1<<(shift-1) // bias plus rounding
	const bias = lane + lane<<21 + lane<<42
	const mask = 1<<(21-shift) - 1
	const unbias = 1<<(20-shift) + 1<<(20-shift)<<32
	n := len(sums)
	for i := 0; 2*i < n; i++ {
		v0, v1 := sums[2*i]+bias, int64(bias)
		if 2*i+1 < n {
			v1 = sums[2*i+1] + bias
		}
		q := out[3*i : 3*i+3 : 3*i+3]
		q[0] = v0>>shift&mask + (v0>>(42+shift))<<32 - unbias
		q[1] = v1>>shift&mask + (v1>>(42+shift))<<32 - unbias
		q[2] = v0>>(21+shift)&mask + (v1>>(21+shift)&mask)<<32 - unbias
	}
}

// write4 rounds, clamps and stores one row of alpha-pipeline vertical sums.
// Colour is clamped to alpha because Catmull-Rom overshoot would otherwise
// break the premultiplied invariant at alpha edges.
func write4(pix []uint8, acc []int64) {
	const lane = 1<<(outBits-1) + clampBias<<outBits // round, bias
	const bias = lane + lane<<32
	t := &outClamp
	n := len(acc) / 2
	pix = pix[:4*n]
	for i := range n {
		rb, ga := uint64(acc[2*i]+bias), uint64(acc[2*i+1]+bias)
		a := t[ga>>(32+outBits)&1023]
		r := min(t[uint32(rb)>>outBits&1023], a)
		g := min(t[uint32(ga)>>outBits&1023], a)
		b := min(t[rb>>(32+outBits)&1023], a)
		binary.LittleEndian.PutUint32(pix[4*i:], uint32(r)|uint32(g)<<8|uint32(b)<<16|uint32(a)<<24)
	}
}

// clampBias is added to output levels before they index outClamp. Vertical
// sums are within ±400 levels (255 * 1.25 * 1.25; opaque sums, centred,
// within ±200), so with it every lane is non-negative and below 2^31: the
// lanes can be cut out with plain shifts, and the integer part indexes the
// table directly, with no sign handling or branches.
const clampBias = 512

// outClamp maps an output level plus clampBias to a byte. It is read-only.
var outClamp = func() (t [1024]uint8) {
	for i := range t {
		t[i] = uint8(min(max(i-clampBias, 0), 255))
	}
	return t
}()

// write3 rounds, clamps and stores w opaque pixels from vertical sums.
func write3(pix []uint8, acc []int64, w int) {
	const lane = 1<<(outBits-1) + (128+clampBias)<<outBits // round, uncentre, bias
	const bias = lane + lane<<32
	t := &outClamp
	pix = pix[:4*w]
	for i := 0; 2*i < w; i++ {
		q := acc[3*i : 3*i+3 : 3*i+3]
		rb0, rb1, gg := uint64(q[0]+bias), uint64(q[1]+bias), uint64(q[2]+bias)
		p0 := uint32(t[uint32(rb0)>>outBits&1023]) | uint32(t[uint32(gg)>>outBits&1023])<<8 |
			uint32(t[rb0>>(32+outBits)&1023])<<16 | 0xff<<24
		if 2*i+1 == w {
			binary.LittleEndian.PutUint32(pix[8*i:], p0)
			break
		}
		p1 := uint32(t[uint32(rb1)>>outBits&1023]) | uint32(t[gg>>(32+outBits)&1023])<<8 |
			uint32(t[rb1>>(32+outBits)&1023])<<16 | 0xff<<24
		binary.LittleEndian.PutUint64(pix[8*i:], uint64(p0)|uint64(p1)<<32)
	}
}
