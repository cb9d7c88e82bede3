package resample

// The horizontal pass gathers a few neighbouring source pixels per output
// pixel. Looping over a variable-length run per pixel makes the Go compiler
// spill registers, so the weights are laid out densely with a fixed tap
// count per column (zero-padded) and common counts get unrolled loops.

// denseTaps returns the padded tap count used for a maximum run length:
// 4 (upscaling), 6 (mild downscaling), 8, or the next even number.
func denseTaps(maxTaps int) int {
	switch {
	case maxTaps <= 4:
		return 4
	case maxTaps <= 6:
		return 6
	default:
		return (maxTaps + 1) &^ 1
	}
}

// pad lays a's weights out as taps entries per destination index, zero
// after each run, into a.dense.
func (a *axis) pad(taps int) {
	n := len(a.off) - 1
	a.dense = grow(a.dense, n*taps)
	clear(a.dense)
	for k := range n {
		copy(a.dense[k*taps:], a.w[a.off[k]:a.off[k+1]])
	}
	a.taps = taps
}

// filterRow applies the horizontal weights of ax to one converted source
// row and writes one narrowed pair per destination column. in is indexed
// relative to ax.lo and must extend ax.taps zero pairs past ax.hi so that
// padded taps never read out of range.
func filterRow(out, in []pair, ax *axis) {
	starts := ax.start[:len(out)]
	switch ax.taps {
	case 4:
		filterRow4(out, in, starts, ax.dense[:4*len(out)])
	case 6:
		filterRow6(out, in, starts, ax.dense[:6*len(out)])
	default:
		filterRowN(out, in, starts, ax.dense[:ax.taps*len(out)], ax.taps)
	}
}

func filterRow4(out, in []pair, starts, w []int32) {
	for x := range out {
		s := int(starts[x])
		p := in[s : s+4 : s+4]
		q := w[4*x : 4*x+4 : 4*x+4]
		w0, w1, w2, w3 := int64(q[0]), int64(q[1]), int64(q[2]), int64(q[3])
		rb := p[0].rb*w0 + p[1].rb*w1 + p[2].rb*w2 + p[3].rb*w3
		ga := p[0].ga*w0 + p[1].ga*w1 + p[2].ga*w2 + p[3].ga*w3
		out[x] = pair{narrow(rb), narrow(ga)}
	}
}

func filterRow6(out, in []pair, starts, w []int32) {
	for x := range out {
		s := int(starts[x])
		p := in[s : s+6 : s+6]
		q := w[6*x : 6*x+6 : 6*x+6]
		w0, w1, w2 := int64(q[0]), int64(q[1]), int64(q[2])
		w3, w4, w5 := int64(q[3]), int64(q[4]), int64(q[5])
		rb := p[0].rb*w0 + p[1].rb*w1 + p[2].rb*w2 + p[3].rb*w3 + p[4].rb*w4 + p[5].rb*w5
		ga := p[0].ga*w0 + p[1].ga*w1 + p[2].ga*w2 + p[3].ga*w3 + p[4].ga*w4 + p[5].ga*w5
		out[x] = pair{narrow(rb), narrow(ga)}
	}
}

// filterRowN handles any even tap count, two taps per iteration.
func filterRowN(out, in []pair, starts, w []int32, taps int) {
	for x := range out {
		s := int(starts[x])
		p := in[s : s+taps]
		q := w[taps*x : taps*x+taps]
		var rb, ga int64
		for k := 0; k+1 < len(p) && k+1 < len(q); k += 2 {
			wa, wb := int64(q[k]), int64(q[k+1])
			rb += p[k].rb*wa + p[k+1].rb*wb
			ga += p[k].ga*wa + p[k+1].ga*wb
		}
		out[x] = pair{narrow(rb), narrow(ga)}
	}
}
