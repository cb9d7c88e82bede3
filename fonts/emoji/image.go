package emoji

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"

	"github.com/go-text/typesetting/font"
	"golang.org/x/image/draw"
)

// Rendering sizes are rounded to 1/sizeQuantum px: finer steps are invisible
// and would only fragment the cache.
const (
	sizeQuantum = 4
	maxSizePx   = 2048 // far beyond a 1200x630 card; bounds allocations
)

// Image returns glyph id drawn for a font size of sizePx pixels: a
// premultiplied *image.RGBA already scaled (Catmull-Rom) from the best
// bitmap strike, and the offset of its top-left corner from the pen position
// on the baseline (x right, y down, so y is usually negative). The image's
// bounds start at (0, 0).
//
// The image is shared with the cache and other callers: do not modify it.
// Results are cached per (id, size rounded to 1/4 px), as are decoded PNGs,
// in caches bounded by bytes. It returns ErrNoBitmap for a glyph without a
// colour bitmap (such as ID 0), and an error for a size that is not a
// finite number in (0, 2048].
func (f *Font) Image(id uint16, sizePx float64) (img *image.RGBA, offset image.Point, err error) {
	if math.IsNaN(sizePx) || sizePx <= 0 || sizePx > maxSizePx {
		return nil, image.Point{}, fmt.Errorf("emoji: image: size %v px out of range (0, %d]", sizePx, maxSizePx)
	}
	q := int(math.Round(sizePx * sizeQuantum))
	if q == 0 {
		q = 1 // sizes below 1/8 px still get a (1x1) image
	}
	key := scaledKey{id: id, size: q}
	if g, ok := f.scaled.Get(key); ok {
		return g.img, g.offset, nil
	}
	// Render at the rounded size so a cache entry does not depend on which
	// of the sizes sharing its key came first.
	size := float64(q) / sizeQuantum
	src, err := f.decode(id, f.strikeFor(size))
	if err != nil {
		return nil, image.Point{}, err
	}
	g := f.render(src, size)
	g = f.scaled.Add(key, g, int64(len(g.img.Pix)))
	return g.img, g.offset, nil
}

// strikeFor picks the smallest strike at least as large as sizePx, so that
// scaling goes down (sharper), or the largest strike when none is.
func (f *Font) strikeFor(sizePx float64) uint16 {
	for _, ppem := range f.strikes {
		if float64(ppem) >= sizePx {
			return ppem
		}
	}
	return f.strikes[len(f.strikes)-1]
}

// render scales the strike bitmap to sizePx and places it. The placement
// comes from the bitmap's own metrics (CBDT bearingX/bearingY, or the sbix
// origin offset) which go-text reports as glyph extents in font units.
func (f *Font) render(src *decodedGlyph, sizePx float64) *scaledGlyph {
	s := sizePx / f.upem
	left := float64(src.ext.XBearing) * s
	top := -float64(src.ext.YBearing) * s // extents are y up, images y down
	w := float64(src.ext.Width) * s
	h := -float64(src.ext.Height) * s
	// Snap the box to whole pixels: rounding both edges (not the size) keeps
	// neighbouring sizes from jittering by a pixel against the baseline.
	x0, y0 := roundInt(left), roundInt(top)
	x1, y1 := max(roundInt(left+w), x0+1), max(roundInt(top+h), y0+1)
	dst := image.NewRGBA(image.Rect(0, 0, x1-x0, y1-y0))
	// x/image/draw's kernel scalers clamp each colour channel to alpha, so
	// Catmull-Rom's negative lobes cannot break premultiplication.
	draw.CatmullRom.Scale(dst, dst.Bounds(), src.img, src.img.Bounds(), draw.Src, nil)
	return &scaledGlyph{img: dst, offset: image.Pt(x0, y0)}
}

// roundInt rounds half away from zero.
func roundInt(v float64) int { return int(math.Round(v)) }

// decode returns the strike bitmap of id at ppem, decoded and cached.
func (f *Font) decode(id uint16, ppem uint16) (*decodedGlyph, error) {
	key := decodedKey{id: id, ppem: ppem}
	if g, ok := f.decoded.Get(key); ok {
		return g, nil
	}
	var bm font.GlyphBitmap
	var ext font.GlyphExtents
	var ok, hasExt bool
	err := f.withWorker("glyph data", func(w *worker) error {
		if px, py := w.face.Ppem(); px != ppem || py != ppem {
			w.face.SetPpem(ppem, ppem) // resets the face's extents cache
		}
		// GlyphDataBitmap takes an unexported glyph type; GlyphData tries
		// COLR first, then sbix and CBDT, which is what a colour font needs.
		bm, ok = w.face.GlyphData(font.GID(id)).(font.GlyphBitmap)
		ext, hasExt = w.face.GlyphExtents(font.GID(id))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !ok || bm.Format != font.PNG {
		return nil, fmt.Errorf("%w: glyph %d", ErrNoBitmap, id)
	}
	if !hasExt || ext.Width <= 0 || ext.Height >= 0 {
		return nil, fmt.Errorf("emoji: glyph %d: bitmap has no usable metrics", id)
	}
	img, err := decodePNG(bm.Data)
	if err != nil {
		return nil, fmt.Errorf("emoji: glyph %d: %w", id, err)
	}
	g := &decodedGlyph{img: img, ext: ext}
	return f.decoded.Add(key, g, int64(len(img.Pix))), nil
}

// decodePNG decodes a strike PNG into premultiplied RGBA. Noto's PNGs are
// paletted with transparency, which the scaler would otherwise convert on
// every call through the slow generic path.
func decodePNG(data []byte) (img *image.RGBA, err error) {
	defer recoverInto(&err, "decode png")
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode png: %w", err)
	}
	// Strike bitmaps are at most a few hundred pixels; refuse anything that
	// would allocate absurdly before decoding it.
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 4096 || cfg.Height > 4096 {
		return nil, fmt.Errorf("decode png: bad size %dx%d", cfg.Width, cfg.Height)
	}
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode png: %w", err)
	}
	if rgba, ok := src.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return rgba, nil
	}
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	return dst, nil
}
