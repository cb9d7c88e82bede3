package pngenc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"sync"

	"github.com/ogcard/ogcard/engine/internal/native"
)

// Level is the deflate level: libdeflate's 1-12 (6 by default), mapped to
// compress/flate's 1-9 when libdeflate is missing.
type Level int

// The PNG filter types.
const (
	ftNone = 0
	ftSub  = 1
	ftUp   = 2
)

// Encode appends img as a PNG to dst at a deflate level (0 chooses by
// content, see autoLevel). A card of at most 256 colours (a flat card:
// solid backgrounds, text without a gradient behind it) is written as an
// 8-bit palette image, a third of the bytes to compress and smaller
// output; any other as 8-bit RGB when it is opaque, else 8-bit RGBA with
// straight alpha. All three decode to the same pixels.
func Encode(dst []byte, img *image.RGBA, level int) ([]byte, error) {
	pal, rowsRead, opaque := countColours(img)
	if pal != nil {
		return encodePaletted(dst, img, pal, level)
	}
	if opaque {
		b := img.Bounds()
		rest := image.Rect(b.Min.X, b.Min.Y+rowsRead, b.Max.X, b.Max.Y)
		opaque = img.SubImage(rest).(*image.RGBA).Opaque()
	}
	bpp := 4
	colorType := byte(6)
	if opaque {
		bpp, colorType = 3, 2
	}
	flat := isFlat(img)
	if level <= 0 {
		level = autoLevel(flat)
	}
	dst = header(dst, img.Bounds(), colorType)
	if flat && useLibdeflate() {
		if segs := planSegments(img); segs != nil {
			return finishSegments(dst, img, segs, bpp, opaque, level)
		}
	}
	raw := filtered(img, bpp, opaque, flat)
	defer rawPool.Put(raw)
	return finish(dst, *raw, level)
}

// encodePaletted writes a card of at most 256 colours as a palette PNG.
func encodePaletted(dst []byte, img *image.RGBA, pal *palette, level int) ([]byte, error) {
	raw := pal.indexed(img)
	defer rawPool.Put(raw)
	if level <= 0 {
		level = paletteLevel
	}
	dst = header(dst, img.Bounds(), 3)
	plte, trns := pal.chunks()
	dst = chunk(dst, "PLTE", plte)
	if trns != nil {
		dst = chunk(dst, "tRNS", trns)
	}
	return finish(dst, *raw, level)
}

// paletteLevel is libdeflate's level for palette images: a flat card's
// index rows are a third the size of its RGB rows and mostly long runs,
// so a stronger level than for photos costs little time.
const paletteLevel = 6

// header appends the PNG signature and the IHDR chunk (bit depth 8).
func header(dst []byte, b image.Rectangle, colorType byte) []byte {
	dst = append(dst, "\x89PNG\r\n\x1a\n"...)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(b.Dx()))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(b.Dy()))
	ihdr[8], ihdr[9] = 8, colorType // bit depth, colour type; compression, filter, interlace: 0
	return chunk(dst, "IHDR", ihdr[:])
}

// finish appends the IDAT chunk of the filtered rows and IEND.
func finish(dst, raw []byte, level int) ([]byte, error) {
	// The IDAT is compressed straight after its length and type, which are
	// patched in once the size is known.
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0, 'I', 'D', 'A', 'T')
	dst, err := compress(dst, raw, level)
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-8))
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[at+4:]))
	return chunk(dst, "IEND", nil), nil
}

// autoLevel picks libdeflate's level by content. On a photo level 1 is
// 40% faster than level 2; on a flat card level 2 is both faster and 5%
// smaller, because level 1 does not skip through long matches.
func autoLevel(flat bool) int {
	if flat {
		return 2
	}
	return 1
}

// isFlat says whether a card is mostly runs of one colour (solid or
// gradient backgrounds, text, icons) rather than a photo, from the share
// of pixels equal to their left neighbour in every eighth row: 0.94-0.97
// on the text-only and repository cards, 0.12 on the photo card.
func isFlat(img *image.RGBA) bool {
	b := img.Bounds()
	w := b.Dx()
	same, total := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 8 {
		row := img.Pix[img.PixOffset(b.Min.X, y):][:4*w]
		for i := 4; i < len(row); i += 4 {
			if *(*[4]byte)(row[i:]) == *(*[4]byte)(row[i-4:]) {
				same++
			}
		}
		total += w - 1
	}
	return total > 0 && float64(same) >= 0.6*float64(total)
}

func chunk(dst []byte, typ string, data []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	start := len(dst)
	dst = append(dst, typ...)
	dst = append(dst, data...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

// useLibdeflate says whether libdeflate compresses; tests turn it off to
// check the fallback.
var useLibdeflate = func() bool { return native.Libdeflate() == nil }

// compress deflates with libdeflate, or compress/zlib without it.
func compress(dst, raw []byte, level int) ([]byte, error) {
	if useLibdeflate() {
		return native.Zlib(dst, raw, level)
	}
	buf := bytes.NewBuffer(dst)
	zw, err := zlib.NewWriterLevel(buf, min(max(level, 1), 9))
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var rawPool = sync.Pool{New: func() any { return new([]byte) }}

// rawBuffer returns a pooled buffer of n bytes, not cleared.
func rawBuffer(n int) *[]byte {
	p := rawPool.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, n)
	}
	*p = (*p)[:n] // a pooled buffer may be longer, from a larger card
	return p
}

// filtered returns the image's rows, each a filter byte and the filtered
// pixels. A flat card's rows are left unfiltered (None): the deflate
// matcher then finds the repeated glyph edges and runs as they are, which
// came out 15-18% smaller than Up at the same speed on the text-only and
// repository cards (Up turns the antialiased edges into residuals that
// repeat less). A photo's rows are filtered with Up: a subtraction, four
// times cheaper than Paeth, and on the reference photo card 1.7% smaller
// than Paeth and 21% smaller than None (the grain defeats every predictor
// alike, and Up still removes the slow vertical change). A row equal to
// the one above is all zeros under Up.
func filtered(img *image.RGBA, bpp int, opaque, flat bool) *[]byte {
	if flat {
		return unfiltered(img, bpp, opaque, 0, img.Bounds().Dy())
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	rowLen := 1 + w*bpp
	p := rawBuffer(rowLen * h)
	raw := *p
	cur := make([]byte, w*bpp)
	prev := make([]byte, w*bpp)
	var prevRow []byte
	for y := range h {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
		out := raw[y*rowLen : (y+1)*rowLen]
		switch {
		case y == 0:
			pack(cur, row, opaque)
			out[0] = ftSub
			sub(out[1:], cur, bpp)
		case bytes.Equal(row, prevRow):
			out[0] = ftUp
			clear(out[1:])
		case opaque:
			out[0] = ftUp
			upRGB(out[1:], row, prevRow)
		default:
			pack(cur, row, opaque)
			pack(prev, prevRow, opaque)
			out[0] = ftUp
			up(out[1:], cur, prev)
		}
		prevRow = row
	}
	return p
}

// unfiltered returns the image's rows from up to to, each the None filter
// byte and the pixels as PNG stores them.
func unfiltered(img *image.RGBA, bpp int, opaque bool, from, to int) *[]byte {
	b := img.Bounds()
	w, h := b.Dx(), to-from
	rowLen := 1 + w*bpp
	p := rawBuffer(rowLen * h)
	raw := *p
	for y := range h {
		out := raw[y*rowLen : (y+1)*rowLen]
		out[0] = ftNone
		pack(out[1:], img.Pix[img.PixOffset(b.Min.X, b.Min.Y+from+y):][:4*w], opaque)
	}
	return p
}

func up(out, cur, prev []byte) {
	out, prev = out[:len(cur)], prev[:len(cur)]
	for i, v := range cur {
		out[i] = v - prev[i]
	}
}

// upRGB is Up for opaque pixels, read straight from RGBA rows.
func upRGB(out, row, prev []byte) {
	n := len(row) / 4
	out, row, prev = out[:3*n], row[:4*n], prev[:4*n]
	for k := range n {
		i, j := 4*k, 3*k
		o := (*[3]byte)(out[j:])
		a, p := (*[4]byte)(row[i:]), (*[4]byte)(prev[i:])
		o[0], o[1], o[2] = a[0]-p[0], a[1]-p[1], a[2]-p[2]
	}
}

// pack copies a row of RGBA pixels, dropping alpha for an opaque image
// and un-premultiplying it otherwise (PNG alpha is straight).
func pack(dst, row []byte, opaque bool) {
	if opaque {
		packRGB(dst, row)
		return
	}
	for i := 0; i+3 < len(row); i += 4 {
		r, g, bl, a := row[i], row[i+1], row[i+2], row[i+3]
		if a != 0 && a != 255 {
			r = uint8((uint32(r)*255 + uint32(a)/2) / uint32(a))
			g = uint8((uint32(g)*255 + uint32(a)/2) / uint32(a))
			bl = uint8((uint32(bl)*255 + uint32(a)/2) / uint32(a))
		}
		dst[i], dst[i+1], dst[i+2], dst[i+3] = r, g, bl, a
	}
}

// packRGB drops alpha from a row of opaque pixels, four at a time: two
// 8-byte loads and a 12-byte store, instead of three byte copies a pixel
// with their bounds checks. The last pixels go one at a time.
func packRGB(dst, row []byte) {
	n := min(len(row)/4, len(dst)/3)
	row, dst = row[:4*n], dst[:3*n]
	k := 0
	for ; k+4 <= n; k += 4 {
		in, out := (*[16]byte)(row[4*k:]), (*[12]byte)(dst[3*k:])
		v0, v1 := binary.LittleEndian.Uint64(in[:8]), binary.LittleEndian.Uint64(in[8:])
		binary.LittleEndian.PutUint64(out[:8], v0&0xffffff|(v0>>8)&0xffffff000000|v1<<48)
		binary.LittleEndian.PutUint32(out[8:], uint32(v1>>16)&0xff|uint32(v1>>24)&0xffffff00)
	}
	for ; k < n; k++ {
		copy(dst[3*k:3*k+3], row[4*k:4*k+3])
	}
}

func sub(out, cur []byte, bpp int) {
	copy(out[:bpp], cur[:bpp])
	for i := bpp; i < len(cur); i++ {
		out[i] = cur[i] - cur[i-bpp]
	}
}
