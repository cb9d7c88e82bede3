package engine

import (
	"image"
	"image/draw"
	"math"

	"github.com/ogcard/ogcard/engine/internal/resample"
)

// The one blur of the engine: three box blurs per axis approximate a
// Gaussian (the standard trick; each pass costs the same whatever the
// radius). It blurs text-shadow masks, the masks of layer shadows and
// blurred pictures alike.

// plane is a block of pixels with bpp interleaved 8-bit channels (1 for
// a mask, 4 for RGBA), each blurred on its own.
type plane struct {
	pix           []uint8
	stride, w, h  int
	bytesPerPixel int
}

// boxBlur blurs a mask in place the way a CSS shadow of blur radius
// radius does (a Gaussian of standard deviation radius/2).
func boxBlur(a *image.Alpha, radius float64) {
	blurPlane(plane{a.Pix, a.Stride, a.Rect.Dx(), a.Rect.Dy(), 1}, max(int(math.Round(radius/2)), 1))
}

// boxRadius is the box radius whose three passes make a Gaussian of
// standard deviation sigma: three boxes of radius r have a variance of
// r(r+1).
func boxRadius(sigma float64) int {
	return max(int(math.Round(math.Sqrt(sigma*sigma+0.25)-0.5)), 1)
}

// blurredPicture is the part (sx0, sy0)-(sx1, sy1) of img scaled to w by h
// and blurred like CSS's filter: blur(sigma). A wide blur runs on the
// picture shrunk by up to 8 and is scaled back up: such a blur leaves no
// detail that the smaller picture could lose, and the work falls with the
// square of the factor (BenchmarkBlurredPicture: 1200x630 at sigma 24 took
// 44 ms of CPU at full size). The resampler renormalises at the edges,
// so they stay opaque.
func blurredPicture(w, h int, img image.Image, sigma, sx0, sy0, sx1, sy1 float64) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	f := min(max(int(sigma/3), 1), 8) // leaves a blur of 3 or more at the small size
	if f == 1 {
		resample.ScaleF(out, out.Rect, img, sx0, sy0, sx1, sy1)
		blurPicture(out, sigma)
		return out
	}
	small := image.NewRGBA(image.Rect(0, 0, (w+f-1)/f, (h+f-1)/f))
	resample.ScaleF(small, small.Rect, img, sx0, sy0, sx1, sy1)
	blurPicture(small, sigma*float64(small.Rect.Dx())/float64(w))
	resample.Scale(out, out.Rect, small, small.Rect)
	return out
}

// blurPicture blurs an RGBA picture in place like CSS's filter: blur(sigma),
// except at the edges: pixels beyond them repeat the edge instead of being
// transparent, so a blurred cover photo has no dark rim. It pads the
// picture by the blur's reach (3r), blurs, and copies the inside back.
func blurPicture(img *image.RGBA, sigma float64) {
	r := boxRadius(sigma)
	pad := 3 * r
	b := img.Bounds()
	padded := image.NewRGBA(image.Rect(0, 0, b.Dx()+2*pad, b.Dy()+2*pad))
	draw.Draw(padded, b.Sub(b.Min).Add(image.Pt(pad, pad)), img, b.Min, draw.Src)
	extendEdges(padded, pad)
	blurPlane(plane{padded.Pix, padded.Stride, padded.Rect.Dx(), padded.Rect.Dy(), 4}, r)
	draw.Draw(img, b, padded, image.Pt(pad, pad), draw.Src)
}

// extendEdges fills a border of pad pixels by repeating the pixels just
// inside it.
func extendEdges(img *image.RGBA, pad int) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := pad; y < h-pad; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		left, right := row[4*pad:4*pad+4], row[4*(w-pad-1):4*(w-pad)]
		for x := range pad {
			copy(row[4*x:], left)
			copy(row[4*(w-pad+x):], right)
		}
	}
	first, last := img.Pix[pad*img.Stride:(pad+1)*img.Stride], img.Pix[(h-pad-1)*img.Stride:(h-pad)*img.Stride]
	for y := range pad {
		copy(img.Pix[y*img.Stride:], first)
		copy(img.Pix[(h-pad+y)*img.Stride:], last)
	}
}

// blurPlane runs three box blurs of radius r along rows and columns, in
// place, treating pixels outside as 0.
func blurPlane(p plane, r int) {
	tmp := make([]uint8, p.w)
	var channel []uint8
	if p.bytesPerPixel > 1 {
		channel = make([]uint8, p.w)
	}
	sums := make([]int32, p.w*p.bytesPerPixel)
	for range 3 {
		for y := range p.h {
			line := p.pix[y*p.stride : y*p.stride+p.w*p.bytesPerPixel]
			if p.bytesPerPixel == 1 {
				blurRow(line, r, tmp)
				continue
			}
			// The row blur wants one contiguous channel: take each out,
			// blur it and put it back (a strided row blur was 60% slower
			// on text-shadow masks, BenchmarkBoxBlur).
			for c := range p.bytesPerPixel {
				for i := range channel {
					channel[i] = line[i*p.bytesPerPixel+c]
				}
				blurRow(channel, r, tmp)
				for i, v := range channel {
					line[i*p.bytesPerPixel+c] = v
				}
			}
		}
		blurColumns(p, r, sums)
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
		pix[i] = uint8((sum*inv + half) >> 24)
		if j := i + r + 1; j < n {
			sum += int(tmp[j])
		}
	}
	if n > 2*r+1 {
		in, out := tmp[2*r+1:], tmp[:n-2*r-1]
		dst := pix[r : n-r-1]
		for k := range dst { // one pixel enters and one leaves
			dst[k] = uint8((sum*inv + half) >> 24)
			sum += int(in[k]) - int(out[k])
		}
		i = n - r - 1
	}
	for ; i < n; i++ { // no pixel enters any more
		pix[i] = uint8((sum*inv + half) >> 24)
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
// Channels need no care here: each byte of a row is its own column.
func blurColumns(p plane, r int, sums []int32) {
	w, h := p.w*p.bytesPerPixel, p.h
	rowAt := func(y int) []uint8 { return p.pix[y*p.stride : y*p.stride+w] }
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
			cur[x] = uint8((int64(s)*int64(inv) + half) >> 24)
			sums[x] = s + int32(in[x]) - int32(out[x])
		}
	}
}

// reciprocal is 1/(2r+1) in 8.24 fixed point: multiplying by it is much
// cheaper than dividing in the inner loops, and exact for sums of bytes.
// Averages are rounded to the nearest (adding half before the shift):
// truncating lost about 3% of a shadow's ink over three passes.
const half = 1 << 23

func reciprocal(r int) int {
	div := 2*r + 1
	return ((1 << 24) + div - 1) / div
}
