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
	ftNone  = 0
	ftSub   = 1
	ftUp    = 2
	ftPaeth = 4
)

// Encode appends img as a PNG to dst. An opaque image is written as
// 8-bit RGB, any other as 8-bit RGBA with straight alpha.
func Encode(dst []byte, img *image.RGBA, level int) ([]byte, error) {
	b := img.Bounds()
	opaque := img.Opaque()
	bpp := 4
	colorType := byte(6)
	if opaque {
		bpp, colorType = 3, 2
	}
	raw := filtered(img, bpp, opaque)
	defer rawPool.Put(raw)

	dst = append(dst, "\x89PNG\r\n\x1a\n"...)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(b.Dx()))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(b.Dy()))
	ihdr[8], ihdr[9] = 8, colorType // bit depth, colour type; compression, filter, interlace: 0
	dst = chunk(dst, "IHDR", ihdr[:])

	// The IDAT is compressed straight after its length and type, which are
	// patched in once the size is known.
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0, 'I', 'D', 'A', 'T')
	dst, err := compress(dst, *raw, level)
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-8))
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[at+4:]))
	return chunk(dst, "IEND", nil), nil
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

// filtered returns the image's rows, each a filter byte and the filtered
// pixels. Rows are filtered with Paeth, the best predictor for photos,
// except where the row equals the one above (flat backgrounds, which Up
// turns into zeros) or is the first row (Sub).
func filtered(img *image.RGBA, bpp int, opaque bool) *[]byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	rowLen := 1 + w*bpp
	p := rawPool.Get().(*[]byte)
	if cap(*p) < rowLen*h {
		*p = make([]byte, rowLen*h)
	}
	*p = (*p)[:rowLen*h] // a pooled buffer may be longer, from a larger card
	raw := *p
	cur := make([]byte, w*bpp)
	prev := make([]byte, w*bpp)
	for y := range h {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
		pack(cur, row, opaque)
		out := raw[y*rowLen : (y+1)*rowLen]
		switch {
		case y == 0:
			out[0] = ftSub
			sub(out[1:], cur, bpp)
		case bytes.Equal(cur, prev):
			out[0] = ftUp
			clear(out[1:])
		case bpp == 3:
			out[0] = ftPaeth
			paeth3(out[1:], cur, prev)
		default:
			out[0] = ftPaeth
			paeth(out[1:], cur, prev, bpp)
		}
		cur, prev = prev, cur
	}
	return p
}

// pack copies a row of RGBA pixels, dropping alpha for an opaque image
// and un-premultiplying it otherwise (PNG alpha is straight).
func pack(dst, row []byte, opaque bool) {
	if opaque {
		for i, j := 0, 0; i+3 < len(row); i, j = i+4, j+3 {
			dst[j], dst[j+1], dst[j+2] = row[i], row[i+1], row[i+2]
		}
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

func sub(out, cur []byte, bpp int) {
	copy(out[:bpp], cur[:bpp])
	for i := bpp; i < len(cur); i++ {
		out[i] = cur[i] - cur[i-bpp]
	}
}

// paeth writes the Paeth-filtered row of bpp-byte pixels.
func paeth(out, cur, prev []byte, bpp int) {
	for i := range bpp {
		out[i] = cur[i] - prev[i] // a = c = 0: Paeth predicts b
	}
	for i := bpp; i < len(cur); i++ {
		out[i] = cur[i] - predict(int32(cur[i-bpp]), int32(prev[i]), int32(prev[i-bpp]))
	}
}

// predict is the Paeth predictor of a (left), b (up) and c (up-left): the
// one nearest a+b-c, ties going to a, then b. It is branch-free: on a
// photo the winner is random, and a mispredicted branch per byte tripled
// the filter's time.
func predict(a, b, c int32) uint8 {
	pa := abs(b - c)
	pb := abs(a - c)
	pc := abs(a + b - 2*c)
	m := (pc - pb) >> 31 // all ones when c is nearer than b
	p := b ^ ((b ^ c) & m)
	nearest := pb + ((pc - pb) & m)
	m = (nearest - pa) >> 31 // all ones when b or c is nearer than a
	return uint8(a ^ ((a ^ p) & m))
}

func abs(x int32) int32 {
	m := x >> 31
	return (x ^ m) - m
}

// paeth3 is paeth for 3-byte pixels with predict written out, so the
// compiler drops the bounds checks: it is most of a photo's PNG encode.
func paeth3(out, cur, prev []byte) {
	n := len(cur) / 3 * 3
	out, cur, prev = out[:n], cur[:n], prev[:n]
	var a, c [3]int32
	for i := 0; i+2 < n; i += 3 {
		for k := range 3 {
			b := int32(prev[i+k])
			pa := b - c[k]
			pb := a[k] - c[k]
			pc := pa + pb
			pa = (pa ^ (pa >> 31)) - (pa >> 31)
			pb = (pb ^ (pb >> 31)) - (pb >> 31)
			pc = (pc ^ (pc >> 31)) - (pc >> 31)
			m := (pc - pb) >> 31
			p := b ^ ((b ^ c[k]) & m)
			nearest := pb + ((pc - pb) & m)
			m = (nearest - pa) >> 31
			p = a[k] ^ ((a[k] ^ p) & m)
			x := cur[i+k]
			out[i+k] = x - uint8(p)
			a[k], c[k] = int32(x), b
		}
	}
}
