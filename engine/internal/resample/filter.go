package resample

// The horizontal pass gathers a few neighbouring source pixels per output
// pixel. Looping over a variable-length run per pixel makes the Go compiler
// spill registers, so weights come padded to a fixed run length (axis.pad)
// and the common lengths get unrolled loops. Source rows must extend
// ax.taps zero words past the last real pixel so padded taps stay in range.

// hfilter3 filters one opaque source row (see pack3) into a mid row,
// using sums (length n) as scratch for the raw weighted sums.
func hfilter3(out, in, sums []int64, ax *axis) {
	n := len(sums)
	starts, w := ax.start[:n], ax.dense[:n*ax.taps]
	switch ax.taps {
	case 4:
		for x, s := range starts {
			p, q := in[s:][:4:4], w[4*x:4*x+4:4*x+4]
			sums[x] = p[0]*int64(q[0]) + p[1]*int64(q[1]) + p[2]*int64(q[2]) + p[3]*int64(q[3])
		}
	case 6:
		for x, s := range starts {
			p, q := in[s:][:6:6], w[6*x:6*x+6:6*x+6]
			sums[x] = p[0]*int64(q[0]) + p[1]*int64(q[1]) + p[2]*int64(q[2]) +
				p[3]*int64(q[3]) + p[4]*int64(q[4]) + p[5]*int64(q[5])
		}
	default:
		t := ax.taps
		for x, s := range starts {
			p, q := in[s:][:t], w[t*x:t*x+t]
			var v int64
			for k := 0; k+1 < len(p) && k+1 < len(q); k += 2 {
				v += p[k]*int64(q[k]) + p[k+1]*int64(q[k+1])
			}
			sums[x] = v
		}
	}
	mid3(out, sums)
}

// mid3 rounds opaque horizontal sums to midBits and stores them in the
// mid row layout: R0+B0<<32, R1+B1<<32, G0+G1<<32 per pixel pair.
func mid3(out, sums []int64) {
	for i := 0; 2*i < len(sums); i++ {
		r0, g0, b0 := narrow3(sums[2*i])
		r1, g1, b1 := int64(0), int64(0), int64(0)
		if 2*i+1 < len(sums) {
			r1, g1, b1 = narrow3(sums[2*i+1])
		}
		q := out[3*i : 3*i+3 : 3*i+3]
		q[0], q[1], q[2] = r0+b0<<32, r1+b1<<32, g0+g1<<32
	}
}

// hfilter4 filters one premultiplied RGBA source row into a mid row.
func hfilter4(out []int64, in []pair, ax *axis, n int) {
	starts, w := ax.start[:n], ax.dense[:n*ax.taps]
	out = out[:2*n]
	switch ax.taps {
	case 4:
		for x, s := range starts {
			p, q := in[s:][:4:4], w[4*x:4*x+4:4*x+4]
			w0, w1, w2, w3 := int64(q[0]), int64(q[1]), int64(q[2]), int64(q[3])
			out[2*x] = narrow4(p[0].rb*w0 + p[1].rb*w1 + p[2].rb*w2 + p[3].rb*w3)
			out[2*x+1] = narrow4(p[0].ga*w0 + p[1].ga*w1 + p[2].ga*w2 + p[3].ga*w3)
		}
	case 6:
		for x, s := range starts {
			p, q := in[s:][:6:6], w[6*x:6*x+6:6*x+6]
			w0, w1, w2 := int64(q[0]), int64(q[1]), int64(q[2])
			w3, w4, w5 := int64(q[3]), int64(q[4]), int64(q[5])
			out[2*x] = narrow4(p[0].rb*w0 + p[1].rb*w1 + p[2].rb*w2 +
				p[3].rb*w3 + p[4].rb*w4 + p[5].rb*w5)
			out[2*x+1] = narrow4(p[0].ga*w0 + p[1].ga*w1 + p[2].ga*w2 +
				p[3].ga*w3 + p[4].ga*w4 + p[5].ga*w5)
		}
	default:
		t := ax.taps
		for x, s := range starts {
			p, q := in[s:][:t], w[t*x:t*x+t]
			var rb, ga int64
			for k := 0; k+1 < len(p) && k+1 < len(q); k += 2 {
				wa, wb := int64(q[k]), int64(q[k+1])
				rb += p[k].rb*wa + p[k+1].rb*wb
				ga += p[k].ga*wa + p[k+1].ga*wb
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
