package pngenc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"io"
	"reflect"
	"testing"
)

// banded is a flat card of more than 256 colours: rows for which noisy
// says false are each one colour, changing every other row (so both the
// Sub and the Up rows of the uniform blocks occur); the others have a
// pattern over that colour. With alpha, the colours are translucent.
func banded(w, h int, alpha bool, noisy func(y int) bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	a := uint8(255)
	if alpha {
		a = 160
	}
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(y / 2), uint8(255 - y/2), uint8(y / 7), a}
			if noisy(y) && (x*7+y*3)%5 == 0 {
				c = color.NRGBA{uint8(x), uint8(y), uint8(x ^ y), a}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// from says rows from n on are noisy; rows lists noisy ranges.
func from(n int) func(int) bool { return func(y int) bool { return y >= n } }

func rows(ranges ...[2]int) func(int) bool {
	return func(y int) bool {
		for _, r := range ranges {
			if y >= r[0] && y < r[1] {
				return true
			}
		}
		return false
	}
}

// idatStream returns a PNG's zlib stream, its IDAT chunks joined.
func idatStream(t *testing.T, data []byte) []byte {
	t.Helper()
	var z []byte
	for p := 8; p+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[p:]))
		if string(data[p+4:p+8]) == "IDAT" {
			z = append(z, data[p+8:p+8+n]...)
		}
		p += 12 + n
	}
	return z
}

func TestUniformRowSegmentsRoundTrip(t *testing.T) {
	if !useLibdeflate() {
		t.Skip("the segmented stream is used with libdeflate only")
	}
	card := rows([2]int{30, 70}, [2]int{400, 560}) // a tag, a gap, a headline, a margin
	for _, tc := range []struct {
		name string
		img  *image.RGBA
	}{
		{"1200 wide, uniform rows first", banded(1200, 400, false, from(300))},
		{"a card: tag, gap, headline, margin", banded(1200, 630, false, card)},
		{"a card, translucent", banded(300, 630, true, card)},
		{"three pixels wide", banded(3, 700, false, from(600))},
		{"two pixels wide", banded(2, 700, false, card)},
		{"87 wide: runs of 258, 257 and 3", banded(87, 600, false, card)},
		{"every row uniform", banded(640, 600, false, from(600))},
		{"every row uniform, translucent", banded(50, 600, true, from(600))},
		{"runs of exactly the minimum", banded(400, 300, false, rows([2]int{16, 20}, [2]int{36, 300}))},
		{"a run one short of the minimum", banded(400, 300, false, rows([2]int{0, 10}, [2]int{25, 300}))},
		{"many runs", banded(200, 640, false, func(y int) bool { return y%40 >= 30 })},
		{"sub-image", banded(500, 630, false, card).SubImage(image.Rect(37, 11, 480, 600)).(*image.RGBA)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if pal, _, _ := countColours(tc.img); pal != nil || !isFlat(tc.img) {
				t.Fatalf("the test image is not a flat truecolour card (palette %v, flat %v)", pal != nil, isFlat(tc.img))
			}
			out, err := Encode(nil, tc.img, 0)
			if err != nil {
				t.Fatal(err)
			}
			// compress/zlib reads to the end, so a wrong Adler-32 fails here.
			zr, err := zlib.NewReader(bytes.NewReader(idatStream(t, out)))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("the zlib stream does not inflate: %v", err)
			}
			b := tc.img.Bounds()
			bpp := 3
			if !tc.img.Opaque() {
				bpp = 4
			}
			if want := (1 + b.Dx()*bpp) * b.Dy(); len(raw) != want {
				t.Fatalf("%d filtered bytes, want %d", len(raw), want)
			}
			got, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			samePixels(t, tc.img, got)
		})
	}
}

func TestPlanSegments(t *testing.T) {
	for _, tc := range []struct {
		name  string
		noisy func(int) bool
		want  []segment
	}{
		{"a card", rows([2]int{30, 70}, [2]int{400, 560}),
			[]segment{{0, 30, true}, {30, 70, false}, {70, 400, true}, {400, 630, false}}},
		{"a short run joins its neighbours, leaving none", rows([2]int{0, 10}, [2]int{25, 630}), nil},
		{"short first run", rows([2]int{10, 20}, [2]int{60, 630}),
			[]segment{{0, 20, false}, {20, 60, true}, {60, 630, false}}},
		{"uniform throughout", from(630), []segment{{0, 630, true}}},
		{"uniform only at the bottom", rows([2]int{0, 500}), nil},
		{"the largest run of other rows takes the rest", rows([2]int{20, 300}, [2]int{400, 450}),
			[]segment{{0, 20, true}, {20, 630, false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := planSegments(banded(40, 630, false, tc.noisy)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("segments %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLengthSymbols checks every match length against RFC 1951's table:
// the symbol's base and extra bits must bracket the length.
func TestLengthSymbols(t *testing.T) {
	wantExtra := func(sym int) uint {
		if sym < 265 {
			return 0
		}
		return uint((sym - 261) / 4) // 265-268: 1, ..., 281-284: 5
	}
	prev := 257
	for l := 3; l <= 257; l++ {
		sym, extra, base := lengthSymbol(l)
		if sym < prev || sym > 284 || extra != wantExtra(sym) || l < base || l >= base+1<<extra {
			t.Fatalf("length %d: symbol %d, %d extra bits, base %d", l, sym, extra, base)
		}
		prev = sym
	}
	if sym, _, base := lengthSymbol(227); sym != 284 || base != 227 {
		t.Errorf("length 227 is symbol %d base %d, want 284 base 227", sym, base)
	}
}

// TestUniformCodeIsComplete checks the block's literal/length code fills
// its code space exactly: zlib rejects an incomplete one.
func TestUniformCodeIsComplete(t *testing.T) {
	sum := 0
	for _, l := range uniformCode.lens {
		if l > 0 {
			sum += 1 << (15 - l)
		}
	}
	if sum != 1<<15 {
		t.Fatalf("Kraft sum %d/32768", sum)
	}
}

func TestUniformRow(t *testing.T) {
	img := banded(33, 4, false, from(4))
	for y := range 4 {
		if !uniformRow(img.Pix[img.PixOffset(0, y):][:4*33]) {
			t.Fatalf("row %d is one colour", y)
		}
	}
	img.Set(32, 3, color.RGBA{1, 2, 3, 255}) // the last pixel, past the 8-byte steps
	if uniformRow(img.Pix[img.PixOffset(0, 3):][:4*33]) {
		t.Error("row 3 with its last pixel changed is still one colour")
	}
}
