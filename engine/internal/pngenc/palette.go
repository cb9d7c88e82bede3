package pngenc

import (
	"encoding/binary"
	"image"
)

// maxPaletteColours is what an 8-bit palette PNG holds.
const maxPaletteColours = 256

// palette is the distinct colours of a flat card, premultiplied as in
// image.RGBA, with each pixel's index into them.
type palette struct {
	colours []uint32 // premultiplied RGBA, little-endian as in Pix
	index   map[uint32]uint8
}

// countColours returns the card's palette when every pixel is one of at
// most 256 colours, else nil. It stops at the 257th colour, which on a
// photo is within its first row; runs of one colour (most of a flat card)
// cost a comparison a pixel. It also says how many whole rows it read and
// whether every pixel in them was opaque (each run's colour is checked once,
// so this is free), sparing Encode a second pass over those rows.
func countColours(img *image.RGBA) (p *palette, rowsRead int, opaque bool) {
	b := img.Bounds()
	p = &palette{index: make(map[uint32]uint8, maxPaletteColours)}
	last, haveLast := uint32(0), false
	opaque = true
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := 0; i < len(row); i += 4 {
			c := binary.LittleEndian.Uint32(row[i:])
			if haveLast && c == last {
				continue
			}
			last, haveLast = c, true
			opaque = opaque && c>>24 == 0xff
			if _, ok := p.index[c]; ok {
				continue
			}
			if len(p.colours) == maxPaletteColours {
				return nil, y - b.Min.Y, opaque
			}
			p.index[c] = uint8(len(p.colours))
			p.colours = append(p.colours, c)
		}
	}
	return p, b.Dy(), opaque
}

// chunks returns the PLTE chunk's data and, when any colour is not
// opaque, the tRNS chunk's (nil otherwise). PNG palettes hold straight
// alpha: colours are un-premultiplied as the truecolour path does it, so
// both decode to the same pixels.
func (p *palette) chunks() (plte, trns []byte) {
	plte = make([]byte, 0, 3*len(p.colours))
	alphas := make([]byte, 0, len(p.colours))
	opaque := true
	for _, c := range p.colours {
		var px [4]byte
		binary.LittleEndian.PutUint32(px[:], c)
		pack(px[:], px[:], false)
		plte = append(plte, px[0], px[1], px[2])
		alphas = append(alphas, px[3])
		opaque = opaque && px[3] == 255
	}
	if opaque {
		return plte, nil
	}
	return plte, alphas
}

// indexed returns the image's rows as palette indices, each row with
// filter byte 0 (None): the PNG specification's advice for palette
// images, where neighbouring indices need not be close in colour.
func (p *palette) indexed(img *image.RGBA) *[]byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	raw := rawBuffer((1 + w) * h)
	last, lastIdx := uint32(0), uint8(0)
	if len(p.colours) > 0 {
		last, lastIdx = p.colours[0], 0
	}
	for y := range h {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
		out := (*raw)[y*(1+w) : (y+1)*(1+w)]
		out[0] = 0
		for x := range w {
			c := binary.LittleEndian.Uint32(row[4*x:])
			if c != last {
				last, lastIdx = c, p.index[c]
			}
			out[1+x] = lastIdx
		}
	}
	return raw
}
