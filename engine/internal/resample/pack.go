package resample

// pair holds one premultiplied RGBA pixel as two int64 words, each packing
// two channels in 32-bit lanes: rb = R + B<<32 and ga = G + A<<32.
//
// Multiplying a packed word by a (possibly negative) weight and summing is
// exact integer arithmetic on R + B*2^32, so as long as each lane's true sum
// stays within ±2^31 both channel sums can be recovered afterwards (see
// split). That halves the multiplies of the filter loops.
//
// Lane bounds: normalised Catmull-Rom weights have a sum of absolute values
// below 1.25 (checked by TestWeightBounds). The horizontal pass sums
// 255 * 1.25 * 2^14 < 2^23 per lane and then narrows to 7 fractional bits
// (at most 255*1.25*2^7 < 2^16). The vertical pass then sums at most
// 2^16 * 1.25 * 2^14 < 2^31.
type pair struct{ rb, ga int64 }

const (
	// midBits is the number of fractional bits kept between the passes.
	midBits = 7
	// outShift takes a vertical sum back to 8-bit channel values.
	outShift = weightBits + midBits
)

// pack builds a pair from 8-bit premultiplied channels.
func pack(r, g, b, a uint32) pair {
	return pair{int64(r) | int64(b)<<32, int64(g) | int64(a)<<32}
}

// split recovers the two signed lane sums of a packed word.
func split(x int64) (lo, hi int64) {
	lo = int64(int32(x))
	return lo, (x - lo) >> 32
}

// narrow rounds both lanes of a horizontal sum from weightBits to midBits
// fractional bits, ready for the vertical pass.
func narrow(x int64) int64 {
	const shift = weightBits - midBits
	const half = 1 << (shift - 1)
	lo, hi := split(x + half + half<<32)
	return lo>>shift + (hi>>shift)<<32
}

// filterCols sums the ring rows in rows, weighted by ws, into acc. Taps
// are taken two at a time to halve the load/store traffic on acc.
func filterCols(acc []pair, rows [][]pair, ws []int32) {
	r0 := rows[0][:len(acc)]
	w0 := int64(ws[0])
	k := 1
	if len(ws) > 1 {
		r1 := rows[1][:len(acc)]
		w1 := int64(ws[1])
		for i := range acc {
			acc[i].rb = r0[i].rb*w0 + r1[i].rb*w1
			acc[i].ga = r0[i].ga*w0 + r1[i].ga*w1
		}
		k = 2
	} else {
		for i := range acc {
			acc[i].rb = r0[i].rb * w0
			acc[i].ga = r0[i].ga * w0
		}
	}
	for ; k+1 < len(ws); k += 2 {
		ra, rb := rows[k][:len(acc)], rows[k+1][:len(acc)]
		wa, wb := int64(ws[k]), int64(ws[k+1])
		for i := range acc {
			acc[i].rb += ra[i].rb*wa + rb[i].rb*wb
			acc[i].ga += ra[i].ga*wa + rb[i].ga*wb
		}
	}
	if k < len(ws) {
		ra, wa := rows[k][:len(acc)], int64(ws[k])
		for i := range acc {
			acc[i].rb += ra[i].rb * wa
			acc[i].ga += ra[i].ga * wa
		}
	}
}

// writeRow rounds, clamps and stores one row of vertical sums as RGBA.
// Colour channels are clamped to alpha because Catmull-Rom overshoot can
// otherwise break the premultiplied invariant at alpha edges.
func writeRow(pix []uint8, acc []pair) {
	const half = 1 << (outShift - 1)
	pix = pix[:4*len(acc)]
	for i, p := range acc {
		r, b := split(p.rb + half + half<<32)
		g, a := split(p.ga + half + half<<32)
		a8 := clamp8(a >> outShift)
		q := pix[4*i : 4*i+4 : 4*i+4]
		q[0] = min(clamp8(r>>outShift), a8)
		q[1] = min(clamp8(g>>outShift), a8)
		q[2] = min(clamp8(b>>outShift), a8)
		q[3] = a8
	}
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
