package engine

import (
	"bytes"
	"image"
	"strings"
	"sync"

	"github.com/ogcard/ogcard/fonts"
	"github.com/srwiley/oksvg"
)

// iconChar stands for an icon span in a paragraph's text. A private-use
// character breaks lines as a letter does (UAX #14 resolves its class XX
// to AL), so "⑂248" stays together and "★ 4.3" may break at the space.
const iconChar = "\uE000"

// iconAscent is how far an icon's box reaches above the baseline, as a
// share of its height: an icon sits on the baseline as an icon font's
// glyph does, its em box 0.875 above and 0.125 below.
const iconAscent = 0.875

// icon is an SVG drawn inline in text: an em high at its span's size,
// as wide as its proportions make it. It is rasterized on first use at
// each pixel size a render asks for (auto-fit changes the size), and kept.
type icon struct {
	svg    []byte  // the normalized document, parsed again for each size
	aspect float64 // width over height
	font   *fonts.Stack
	sizes  sync.Map // [2]int{w, h} -> *iconRaster
}

// iconRaster is an icon at one pixel size: its picture, and its coverage
// for painting it in a span's colour.
type iconRaster struct {
	img  *image.RGBA
	mask *image.Alpha
}

// icon compiles an icon span's SVG; font measures an ellipsis that ends
// on the icon.
func (c *compiler) icon(ptr, src string, font *fonts.Stack) *icon {
	parsed, data := c.readSVG(ptr, src)
	if parsed == nil {
		return nil
	}
	vb := parsed.ViewBox
	if vb.W <= 0 || vb.H <= 0 {
		c.errorf(ptr, "SVG %s has no size: give it a viewBox or width and height", src)
		return nil
	}
	return &icon{svg: data, aspect: vb.W / vb.H, font: font}
}

// Advance measures a run of icon placeholders in em, as a font would: an
// icon is aspect em wide. Anything else in the run (an ellipsis that
// ends on the icon) is measured in the layer's font.
func (ic *icon) Advance(s string) (float64, error) {
	n := strings.Count(s, iconChar)
	w := float64(n) * ic.aspect
	if rest := strings.ReplaceAll(s, iconChar, ""); rest != "" {
		adv, err := ic.font.Advance(rest)
		if err != nil {
			return 0, err
		}
		w += adv
	}
	return w, nil
}

// raster is the icon at w by h pixels.
func (ic *icon) raster(w, h int) *iconRaster {
	key := [2]int{w, h}
	if r, ok := ic.sizes.Load(key); ok {
		return r.(*iconRaster)
	}
	parsed, err := oksvg.ReadIconStream(bytes.NewReader(ic.svg), oksvg.StrictErrorMode)
	if err != nil { // parsed once at compile time already
		return nil
	}
	img := rasterizeSVG(parsed, w, h)
	if img == nil {
		return nil
	}
	r, _ := ic.sizes.LoadOrStore(key, &iconRaster{img: img, mask: alphaOf(img)})
	return r.(*iconRaster)
}
