package pngenc

import (
	"encoding/binary"
	"image"
	"math/bits"
)

// A flat card has many rows that are each one colour: margins, the space
// between a tag and a headline, a solid background, a vertical gradient.
// libdeflate hashes every byte it is given, so on the text-only card those
// rows took about 40% of its time while coming out as a tenth of the bytes.
// They are written here instead, as deflate blocks with a fixed code made
// for them (segments.go says how they join the rest of the stream).
//
// Each such row is filtered so that all but its first pixel is zeros: Up
// when it repeats the row above (the whole row is zeros), else Sub (the
// first pixel, then zeros). Zeros are runs at distance 1, which the code
// below makes 2 bits per 258 bytes. No library writes deflate from
// matches a caller already knows, so this is hand-written, and kept to
// that one block shape.

// uniformRow reports whether row (RGBA bytes) is all one colour.
func uniformRow(row []byte) bool {
	first := binary.LittleEndian.Uint32(row)
	pair := uint64(first) | uint64(first)<<32
	i := 4
	for ; i+8 <= len(row); i += 8 {
		if binary.LittleEndian.Uint64(row[i:]) != pair {
			return false
		}
	}
	return i >= len(row) || binary.LittleEndian.Uint32(row[i:]) == first
}

// appendUniformRows appends the deflate encoding of img's rows from up to
// to (each one colour) to dst, as one block, final or not, continuing the
// Adler-32 sum of the filtered bytes. A non-final block is followed by an
// empty stored block, so that what comes next starts on a byte boundary,
// as the other compressors' output must.
func appendUniformRows(dst []byte, img *image.RGBA, from, to, bpp int, opaque, final bool, sum uint32) ([]byte, uint32) {
	b := img.Bounds()
	rowLen := 1 + b.Dx()*bpp
	w := bitWriter{out: dst}
	w.writeBits(boolBit(final), 1)
	w.writeBits(2, 2) // BTYPE 10: dynamic Huffman codes
	w.writeCodeTable()
	s := adler{a: sum & 0xffff, b: sum >> 16}
	var prev uint32
	for y := from; y < to; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		c := binary.LittleEndian.Uint32(row)
		if y > from && c == prev {
			w.literal(ftUp)
			s.update(ftUp)
			w.zeros(rowLen - 1)
			s.zeros(rowLen - 1)
			continue
		}
		prev = c
		var px [4]byte
		pack(px[:], row[:4], opaque)
		w.literal(ftSub)
		s.update(ftSub)
		for _, v := range px[:bpp] {
			w.literal(v)
			s.update(v)
		}
		w.zeros(rowLen - 1 - bpp)
		s.zeros(rowLen - 1 - bpp)
	}
	w.symbol(endOfBlock)
	if !final {
		w.writeBits(0, 3) // BFINAL 0, BTYPE 00: stored
		w.align()
		w.out = append(w.out, 0, 0, 0xff, 0xff) // LEN 0, NLEN
	}
	w.align()
	return w.out, s.value()
}

func boolBit(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// The block's literal/length code: a match of 258 (symbol 285) takes 1 bit
// and a literal zero 2, since the rows are almost only those; the other
// 284 symbols share the rest of the code space at 10 and 11 bits, which
// makes the code complete, as zlib requires. Its distance code has two
// 1-bit codes, of which only distance 1 is used.
const (
	endOfBlock  = 256
	numLitLen   = 286
	numDist     = 2
	match258    = 285
	shortLitLen = 10 // literals 1-227 and the end of block
	longLitLen  = 11 // literals 228-255 and lengths 3-257
)

var uniformCode = newUniformCode()

type huffCode struct {
	lens  [numLitLen]uint8
	codes [numLitLen]uint16 // bit-reversed, as deflate writes them
}

func newUniformCode() *huffCode {
	h := &huffCode{}
	for s := range numLitLen {
		switch {
		case s == match258:
			h.lens[s] = 1
		case s == 0:
			h.lens[s] = 2
		case s <= 227 || s == endOfBlock:
			h.lens[s] = shortLitLen
		default:
			h.lens[s] = longLitLen
		}
	}
	canonical(h.lens[:], h.codes[:])
	return h
}

// canonical assigns deflate's canonical Huffman codes (RFC 1951, 3.2.2)
// for the code lengths lens, bit-reversed for writing.
func canonical(lens []uint8, codes []uint16) {
	var count [16]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]int
	code := 0
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lens {
		if l == 0 {
			continue
		}
		codes[s] = bits.Reverse16(uint16(next[l])) >> (16 - l)
		next[l]++
	}
}

// clOrder is the order code-length code lengths are written in.
var clOrder = [...]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// writeCodeTable writes the block header's code description: the code
// lengths of both codes, each sent with a 2-bit code-length code (only
// lengths 1, 2, 10 and 11 occur), without run-length symbols.
func (w *bitWriter) writeCodeTable() {
	var clLens [19]uint8
	for _, l := range []int{1, 2, shortLitLen, longLitLen} {
		clLens[l] = 2
	}
	var clCodes [19]uint16
	canonical(clLens[:], clCodes[:])
	const numCL = 18 // clOrder up to length 1, the last one used
	w.writeBits(numLitLen-257, 5)
	w.writeBits(numDist-1, 5)
	w.writeBits(numCL-4, 4)
	for _, s := range clOrder[:numCL] {
		w.writeBits(uint64(clLens[s]), 3)
	}
	for _, l := range uniformCode.lens {
		w.writeBits(uint64(clCodes[l]), 2)
	}
	for range numDist {
		w.writeBits(uint64(clCodes[1]), 2)
	}
}

// bitWriter packs deflate's bits, least significant first, onto out.
type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

func (w *bitWriter) writeBits(v uint64, n uint) {
	w.acc |= v << w.n
	w.n += n
	for w.n >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) align() {
	if w.n > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc, w.n = 0, 0
	}
}

func (w *bitWriter) symbol(s int) {
	w.writeBits(uint64(uniformCode.codes[s]), uint(uniformCode.lens[s]))
}

func (w *bitWriter) literal(v byte) { w.symbol(int(v)) }

// zeros writes n zero bytes: a literal zero, then matches at distance 1
// of up to 258 bytes, never leaving 1 or 2 bytes for a last match.
func (w *bitWriter) zeros(n int) {
	if n <= 0 {
		return
	}
	w.literal(0)
	n--
	for n >= 3 {
		l := min(n, 258)
		if rest := n - l; rest > 0 && rest < 3 {
			l = n - 3
		}
		w.length(l)
		w.writeBits(0, 1) // distance code 0: distance 1
		n -= l
	}
	for ; n > 0; n-- {
		w.literal(0)
	}
}

// length writes a match length of 3-258: its symbol and extra bits.
func (w *bitWriter) length(l int) {
	if l == 258 {
		w.symbol(match258)
		return
	}
	s, extra, base := lengthSymbol(l)
	w.symbol(s)
	if extra > 0 {
		w.writeBits(uint64(l-base), extra)
	}
}

// lengthSymbol returns the deflate symbol of a match length of 3-257, its
// number of extra bits and the length the symbol stands for.
func lengthSymbol(l int) (sym int, extra uint, base int) {
	if l < 11 {
		return 257 + l - 3, 0, l
	}
	// Symbols 265-284 come in groups of four per extra bit, from 11 up.
	base, sym = 11, 265
	for extra = 1; ; extra++ {
		span := 4 << extra
		if l < base+span {
			k := (l - base) >> extra
			return sym + k, extra, base + k<<extra
		}
		base += span
		sym += 4
	}
}

// adler is Adler-32 (RFC 1950) kept as its two sums.
type adler struct{ a, b uint32 }

const adlerMod = 65521

func (s *adler) update(v byte) {
	s.a = (s.a + uint32(v)) % adlerMod
	s.b = (s.b + s.a) % adlerMod
}

// zeros adds n zero bytes: a stays, b gains a for each.
func (s *adler) zeros(n int) {
	s.b = uint32((uint64(s.b) + uint64(n)%adlerMod*uint64(s.a)) % adlerMod)
}

func (s *adler) value() uint32 { return s.b<<16 | s.a }
