package resample

// The horizontal pass gathers a few neighbouring source pixels per output
// pixel. Looping over a variable-length run per pixel makes the Go compiler
// spill registers, so weights come padded to a fixed run length (axis.pad)
// and the common lengths get unrolled loops. Source rows must extend
// ax.taps zero words past the last real pixel so padded taps stay in range.

// hfilter3 filters one opaque source row (see pack3) into a mid row,
// using sums (length n) as scratch for the raw weighted sums. Converting
// subslices to array pointers costs one bounds check each and lets the
// unrolled taps use constant offsets.
func hfilter3(out, in, sums []int64, ax *axis) {
	n := len(sums)
	switch ax.taps {
	case 4:
		runs := ax.run4[:n]
		for x := range runs {
			r := &runs[x]
			p := (*[4]int64)(in[r.s:])
			sums[x] = p[0]*r.w[0] + p[1]*r.w[1] + p[2]*r.w[2] + p[3]*r.w[3]
		}
	case 6:
		runs := ax.run6[:n]
		for x := range runs {
			r := &runs[x]
			p := (*[6]int64)(in[r.s:])
			sums[x] = p[0]*r.w[0] + p[1]*r.w[1] + p[2]*r.w[2] + p[3]*r.w[3] + p[4]*r.w[4] + p[5]*r.w[5]
		}
	default:
		t := ax.taps
		starts, w := ax.start[:n], ax.dense[:n*t]
		for x, s := range starts {
			p, q := in[s:][:t], w[t*x:][:t]
			var v int64
			for k := 0; k+1 < len(p) && k+1 < len(q); k += 2 {
				v += p[k]*q[k] + p[k+1]*q[k+1]
			}
			sums[x] = v
		}
	}
	mid3(out, sums)
}

// hfilter4 filters one premultiplied RGBA source row into a mid row.
func hfilter4(out []int64, in []pair, ax *axis, n int) {
	out = out[:2*n]
	switch ax.taps {
	case 4:
		runs := ax.run4[:n]
		for x := range runs {
			r := &runs[x]
			p, q := (*[4]pair)(in[r.s:]), &r.w
			out[2*x] = narrow4(p[0].rb*q[0] + p[1].rb*q[1] + p[2].rb*q[2] + p[3].rb*q[3])
			out[2*x+1] = narrow4(p[0].ga*q[0] + p[1].ga*q[1] + p[2].ga*q[2] + p[3].ga*q[3])
		}
	case 6:
		runs := ax.run6[:n]
		for x := range runs {
			r := &runs[x]
			p, q := (*[6]pair)(in[r.s:]), &r.w
			out[2*x] = narrow4(p[0].rb*q[0] + p[1].rb*q[1] + p[2].rb*q[2] +
				p[3].rb*q[3] + p[4].rb*q[4] + p[5].rb*q[5])
			out[2*x+1] = narrow4(p[0].ga*q[0] + p[1].ga*q[1] + p[2].ga*q[2] +
				p[3].ga*q[3] + p[4].ga*q[4] + p[5].ga*q[5])
		}
	default:
		t := ax.taps
		starts, w := ax.start[:n], ax.dense[:n*t]
		for x, s := range starts {
			p, q := in[s:][:t], w[t*x:][:t]
			var rb, ga int64
			for k := 0; k+1 < len(p) && k+1 < len(q); k += 2 {
				rb += p[k].rb*q[k] + p[k+1].rb*q[k+1]
				ga += p[k].ga*q[k] + p[k+1].ga*q[k+1]
			}
			out[2*x], out[2*x+1] = narrow4(rb), narrow4(ga)
		}
	}
}

// vfilter sums the mid rows in rows, weighted by ws, into acc. Every word
// of a mid row is filtered alike, whatever lanes it packs. Taps are taken
// two at a time to halve the load/store traffic on acc.
func vfilter(acc []int64, rows [][]int64, ws []int32) {
	r0, w0 := rows[0][:len(acc)], int64(ws[0])
	k := 1
	if len(ws) > 1 {
		r1, w1 := rows[1][:len(acc)], int64(ws[1])
		for i := range acc {
			acc[i] = r0[i]*w0 + r1[i]*w1
		}
		k = 2
	} else {
		for i := range acc {
			acc[i] = r0[i] * w0
		}
	}
	for ; k+1 < len(ws); k += 2 {
		ra, rb := rows[k][:len(acc)], rows[k+1][:len(acc)]
		wa, wb := int64(ws[k]), int64(ws[k+1])
		for i := range acc {
			acc[i] += ra[i]*wa + rb[i]*wb
		}
	}
	if k < len(ws) {
		ra, wa := rows[k][:len(acc)], int64(ws[k])
		for i := range acc {
			acc[i] += ra[i] * wa
		}
	}
}
