package resample

import (
	"encoding/binary"
	"image"
	"image/color"
)

// Source rows are converted once each, into the packed form the horizontal
// pass wants. The type switches run once per row, so their cost vanishes
// next to the per-pixel work. x0 and len(out) always describe pixels inside
// the source bounds.

// isOpaque reports whether every pixel of src in r has alpha 0xff, which
// selects the cheaper opaque pipeline. Scanning alpha bytes costs far less
// than the multiplies it saves; unknown image types report false.
func isOpaque(src image.Image, r image.Rectangle) bool {
	switch p := src.(type) {
	case *image.YCbCr, *image.Gray:
		return true
	case *image.RGBA:
		return alphaOpaque(p.Pix, p.PixOffset(r.Min.X, r.Min.Y), p.Stride, r)
	case *image.NRGBA:
		return alphaOpaque(p.Pix, p.PixOffset(r.Min.X, r.Min.Y), p.Stride, r)
	case *image.Paletted:
		for _, c := range p.Palette {
			if c == nil {
				return false
			}
			if _, _, _, a := c.RGBA(); a != 0xffff {
				return false
			}
		}
		for y := r.Min.Y; y < r.Max.Y && len(p.Palette) < 256; y++ {
			i := p.PixOffset(r.Min.X, y)
			for _, v := range p.Pix[i : i+r.Dx()] {
				if int(v) >= len(p.Palette) {
					return false // out-of-palette pixels are transparent
				}
			}
		}
		return true
	}
	return false
}

// alphaOpaque checks the alpha bytes of an RGBA-layout pixel buffer,
// two pixels per 64-bit load.
func alphaOpaque(pix []uint8, i, stride int, r image.Rectangle) bool {
	const alphas = 0xff000000ff000000
	for range r.Dy() {
		row := pix[i : i+4*r.Dx()]
		and := uint64(alphas)
		for ; len(row) >= 8; row = row[8:] {
			and &= binary.LittleEndian.Uint64(row)
		}
		if and != alphas || (len(row) == 4 && row[3] != 0xff) {
			return false
		}
		i += stride
	}
	return true
}

// read3 converts a row of an opaque source (as judged by isOpaque).
func read3(s *scratch, src image.Image, out []int64, x0, y int) {
	switch p := src.(type) {
	case *image.YCbCr:
		readYCbCr(out, p, x0, y)
	case *image.Gray:
		for k, v := range p.Pix[p.PixOffset(x0, y):][:len(out)] {
			out[k] = pack3(uint32(v), uint32(v), uint32(v))
		}
	case *image.RGBA:
		readOpaqueRGBA(out, p.Pix[p.PixOffset(x0, y):])
	case *image.NRGBA:
		// With alpha 0xff, premultiplying is the identity.
		readOpaqueRGBA(out, p.Pix[p.PixOffset(x0, y):])
	case *image.Paletted:
		for k, v := range p.Pix[p.PixOffset(x0, y):][:len(out)] {
			out[k] = s.palette3[v]
		}
	}
}

// readOpaqueRGBA packs len(out) RGBA-layout pixels, ignoring alpha.
func readOpaqueRGBA(out []int64, pix []uint8) {
	pix = pix[:4*len(out)]
	for k := range out {
		q := pix[4*k : 4*k+3 : 4*k+3]
		out[k] = pack3(uint32(q[0]), uint32(q[1]), uint32(q[2]))
	}
}

// read4 converts a row of any source to premultiplied RGBA pairs.
func read4(s *scratch, src image.Image, out []pair, x0, y int) {
	switch p := src.(type) {
	case *image.RGBA:
		pix := p.Pix[p.PixOffset(x0, y):][:4*len(out)]
		for k := range out {
			q := pix[4*k : 4*k+4 : 4*k+4]
			out[k] = pack4(uint32(q[0]), uint32(q[1]), uint32(q[2]), uint32(q[3]))
		}
	case *image.NRGBA:
		pix := p.Pix[p.PixOffset(x0, y):][:4*len(out)]
		for k := range out {
			q := pix[4*k : 4*k+4 : 4*k+4]
			out[k] = premul(q[0], q[1], q[2], q[3])
		}
	case *image.Paletted:
		for k, v := range p.Pix[p.PixOffset(x0, y):][:len(out)] {
			out[k] = s.palette4[v]
		}
	case image.RGBA64Image:
		for k := range out {
			c := p.RGBA64At(x0+k, y)
			out[k] = pack4(uint32(c.R>>8), uint32(c.G>>8), uint32(c.B>>8), uint32(c.A>>8))
		}
	default:
		for k := range out {
			out[k] = fromColor(p.At(x0+k, y))
		}
	}
}

// premul converts non-premultiplied 8-bit RGBA exactly as image/draw does
// for an *image.NRGBA source, so an identity scale matches draw.Draw.
func premul(r, g, b, a uint8) pair {
	switch a {
	case 0xff: // the common cases need no multiplies
		return pack4(uint32(r), uint32(g), uint32(b), 0xff)
	case 0:
		return pair{}
	}
	sa := uint32(a) * 0x101
	return pack4(uint32(r)*sa/0xff>>8, uint32(g)*sa/0xff>>8, uint32(b)*sa/0xff>>8, sa>>8)
}

// fromColor converts any colour to a pair, tolerating the nil that some
// image types return for pixels they cannot represent.
func fromColor(c color.Color) pair {
	if c == nil {
		return pair{}
	}
	r, g, b, a := c.RGBA()
	return pack4(r>>8, g>>8, b>>8, a>>8)
}

// loadPalette caches a paletted source's colours in both packed forms.
// Indices past the palette stay transparent instead of panicking like At.
func (s *scratch) loadPalette(src image.Image) {
	p, ok := src.(*image.Paletted)
	if !ok {
		return
	}
	s.palette4 = [256]pair{}
	s.palette3 = [256]int64{}
	for i, c := range p.Palette[:min(len(p.Palette), 256)] {
		s.palette4[i] = fromColor(c)
		rb, ga := s.palette4[i].rb, s.palette4[i].ga
		s.palette3[i] = pack3(uint32(rb&0xff), uint32(ga&0xff), uint32(rb>>32))
	}
}

// yccTables holds the chroma terms of color.YCbCrToRGB's 16.16 fixed-point
// formula for every byte value, so converting a pixel needs table loads
// instead of four multiplies (the multiplier is the scarcest unit here).
// The chroma terms are offset by 256<<16 so that the r, g and b tables,
// indexed by the integer part of a sum, need no sign handling; their
// entries are final opaque pipeline lanes (centred on 128 and shifted into
// place, see pack3), saturated as YCbCrToRGB does.
type yccTables struct {
	crR, crG, cbG, cbB [256]int32
	r, g, b            [1024]int64 // saturated lane values, pre-shifted
}

// yccTab is computed once at init and only read afterwards, so sharing it
// between goroutines is safe.
var yccTab = newYCCTables()

func newYCCTables() *yccTables {
	t := new(yccTables)
	const off = 256 << 16
	for i := range 256 {
		c := int32(i) - 128
		t.crR[i], t.crG[i] = 91881*c+off, -46802*c
		t.cbG[i], t.cbB[i] = -22554*c+off, 116130*c+off
	}
	// Sums reach the integer range [-228, 482] before the offset.
	for i := range t.r {
		v := int64(min(max(i-256, 0), 255)) - 128
		t.r[i], t.g[i], t.b[i] = v, v<<21, v<<42
	}
	return t
}

// readYCbCr converts one row of a YCbCr image with the same integer
// formula as color.YCbCrToRGB, so results match image/draw bit for bit.
// Chroma is replicated (nearest sample), again as the standard library does.
func readYCbCr(out []int64, p *image.YCbCr, x0, y int) {
	ys := p.Y[p.YOffset(x0, y):][:len(out)]
	if x0 < 0 {
		// Go's truncating division makes chroma indexing irregular left of
		// the origin; this rare case takes the exact, slow route.
		for k := range out {
			ci := p.COffset(x0+k, y)
			r, g, b := color.YCbCrToRGB(ys[k], p.Cb[ci], p.Cr[ci])
			out[k] = pack3(uint32(r), uint32(g), uint32(b))
		}
		return
	}
	// For x >= 0, COffset(x, y) = base + x>>shift.
	shift := uint(0)
	switch p.SubsampleRatio {
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		shift = 1
	case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		shift = 2
	}
	base := p.COffset(p.Rect.Min.X, y) - p.Rect.Min.X/(1<<shift)
	t, cb, cr := yccTab, p.Cb, p.Cr
	k := 0
	if shift == 1 {
		// 4:2:0 and 4:2:2: pixel pairs share chroma, so look it up once.
		if x0&1 == 1 {
			ci := base + x0>>1
			out[0] = ycc(t, ys[0], t.crR[cr[ci]], t.cbG[cb[ci]]+t.crG[cr[ci]], t.cbB[cb[ci]])
			k = 1
		}
		for ; k+1 < len(ys); k += 2 {
			ci := base + (x0+k)>>1
			rt, gt, bt := t.crR[cr[ci]], t.cbG[cb[ci]]+t.crG[cr[ci]], t.cbB[cb[ci]]
			out[k] = ycc(t, ys[k], rt, gt, bt)
			out[k+1] = ycc(t, ys[k+1], rt, gt, bt)
		}
	}
	for ; k < len(ys); k++ {
		ci := base + (x0+k)>>shift
		out[k] = ycc(t, ys[k], t.crR[cr[ci]], t.cbG[cb[ci]]+t.crG[cr[ci]], t.cbB[cb[ci]])
	}
}

// ycc converts luma plus precomputed chroma terms to an opaque pipeline
// word (see pack3).
func ycc(t *yccTables, y uint8, rt, gt, bt int32) int64 {
	yy := int32(y)<<16 | int32(y)<<8 | int32(y) // y * 0x10101
	return t.r[(yy+rt)>>16&1023] + t.g[(yy+gt)>>16&1023] + t.b[(yy+bt)>>16&1023]
}
