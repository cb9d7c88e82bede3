package resample

import (
	"image"
	"image/color"
)

// readRow converts source pixels (x0, y) .. (x0+len(out)-1, y), all inside
// src's bounds, to packed premultiplied 8-bit RGBA. The type switch runs
// once per row, so its cost is negligible next to the per-pixel work.
func readRow(s *scratch, src image.Image, out []pair, x0, y int) {
	switch p := src.(type) {
	case *image.YCbCr:
		readYCbCr(out, p, x0, y)
	case *image.RGBA:
		i := p.PixOffset(x0, y)
		pix := p.Pix[i : i+4*len(out)]
		for k := range out {
			q := pix[4*k : 4*k+4 : 4*k+4]
			out[k] = pack(uint32(q[0]), uint32(q[1]), uint32(q[2]), uint32(q[3]))
		}
	case *image.NRGBA:
		i := p.PixOffset(x0, y)
		pix := p.Pix[i : i+4*len(out)]
		for k := range out {
			q := pix[4*k : 4*k+4 : 4*k+4]
			out[k] = premul(q[0], q[1], q[2], q[3])
		}
	case *image.Gray:
		i := p.PixOffset(x0, y)
		for k, v := range p.Pix[i : i+len(out)] {
			g := uint32(v)
			out[k] = pack(g, g, g, 0xff)
		}
	case *image.Paletted:
		i := p.PixOffset(x0, y)
		pal := &s.palette
		for k, v := range p.Pix[i : i+len(out)] {
			out[k] = pal[v]
		}
	case image.RGBA64Image:
		for k := range out {
			c := p.RGBA64At(x0+k, y)
			out[k] = pack(uint32(c.R>>8), uint32(c.G>>8), uint32(c.B>>8), uint32(c.A>>8))
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
	sa := uint32(a) * 0x101
	return pack(uint32(r)*sa/0xff>>8, uint32(g)*sa/0xff>>8, uint32(b)*sa/0xff>>8, sa>>8)
}

// fromColor converts any colour, tolerating nil (which some image types
// return for pixels they cannot represent), to a packed pixel.
func fromColor(c color.Color) pair {
	if c == nil {
		return pair{}
	}
	r, g, b, a := c.RGBA()
	return pack(r>>8, g>>8, b>>8, a>>8)
}

// loadPalette caches src's palette in packed form when src is paletted.
// Missing entries stay transparent instead of panicking like At would.
func (s *scratch) loadPalette(src image.Image) {
	p, ok := src.(*image.Paletted)
	if !ok {
		return
	}
	s.palette = [256]pair{}
	for i, c := range p.Palette[:min(len(p.Palette), 256)] {
		s.palette[i] = fromColor(c)
	}
}

// yccTables holds the chroma terms of color.YCbCrToRGB's 16.16 fixed-point
// formula for every byte value, so converting a pixel needs table loads
// instead of four multiplies (the multiplier is the scarcest unit here).
type yccTables struct {
	crR, crG, cbG, cbB [256]int32
}

// yccTab is computed once at init and only read afterwards, so sharing it
// between goroutines is safe.
var yccTab = newYCCTables()

func newYCCTables() *yccTables {
	t := new(yccTables)
	for i := range 256 {
		c := int32(i) - 128
		t.crR[i], t.crG[i] = 91881*c, -46802*c
		t.cbG[i], t.cbB[i] = -22554*c, 116130*c
	}
	return t
}

// readYCbCr converts one row of a YCbCr image with the same integer
// formula as color.YCbCrToRGB, so results match image/draw bit for bit.
// Chroma is replicated (nearest sample), again as the standard library does.
func readYCbCr(out []pair, p *image.YCbCr, x0, y int) {
	ys := p.Y[p.YOffset(x0, y):][:len(out)]
	if x0 < 0 {
		// Go's truncating division makes chroma indexing irregular left of
		// the origin; this rare case takes the exact, slow route.
		for k := range out {
			ci := p.COffset(x0+k, y)
			r, g, b := color.YCbCrToRGB(ys[k], p.Cb[ci], p.Cr[ci])
			out[k] = pack(uint32(r), uint32(g), uint32(b), 0xff)
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
	t := yccTab
	for k, yv := range ys {
		ci := base + (x0+k)>>shift
		cb, cr := p.Cb[ci], p.Cr[ci]
		yy := int32(yv)<<16 | int32(yv)<<8 | int32(yv) // yv * 0x10101
		r := clampYCC(yy + t.crR[cr])
		g := clampYCC(yy + t.cbG[cb] + t.crG[cr])
		b := clampYCC(yy + t.cbB[cb])
		out[k] = pair{int64(r) | int64(b)<<32, int64(g) | 0xff<<32}
	}
}

// clampYCC maps a 16.16 fixed-point value to [0, 255], with the branch-light
// trick used by the standard library.
func clampYCC(v int32) int32 {
	if uint32(v)&0xff000000 == 0 {
		return v >> 16
	}
	return ^(v >> 31) & 0xff
}
