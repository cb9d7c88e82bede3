package engine

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/ogcard/ogcard/engine/internal/resample"
	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"
)

// imageLayer draws a picture fitted into a box: a photo named by a data
// field (loaded per render), or an asset next to the layout (loaded,
// fitted and blurred once, at compile time); with optional shadows, cast
// from the picture's shape, and a blend mode.
type imageLayer struct {
	box      rect
	field    string      // image field to load per render, or ""
	asset    *image.RGBA // the asset already fitted into the box, or nil
	fit      picFit
	fallback fallback
	shadows  []*shadow
	blend    blendMode
}

// picFit is how a picture is fitted into its box.
type picFit struct {
	mode           string // cover, contain, fill
	focusX, focusY float64
	corners        corners
	blur           float64 // standard deviation in pixels, as CSS's blur(); 0 for none
}

// fallback is what an image layer draws when its picture cannot be had.
type fallback struct {
	color *colorValue
	asset *image.RGBA // fitted at compile time
}

func (c *compiler) imageLayer(ptr string, spec *LayerSpec) drawer {
	l := &imageLayer{box: c.box(ptr, spec.Box), fit: picFit{mode: cmpOr(spec.Fit, "cover"), focusX: 0.5, focusY: 0.5}}
	if f := spec.Focus; f != nil {
		l.fit.focusX, l.fit.focusY = floatOr(f.X, 0.5), floatOr(f.Y, 0.5)
	}
	l.fit.corners = c.corners(ptr+"/radius", spec.Radius, 0)
	l.fit.blur = floatOr(spec.Blur, 0)
	l.shadows = c.shadows(ptr+"/shadow", spec.Shadow)
	l.blend = c.blend(ptr+"/blend", spec.Blend)
	if fb := spec.Fallback; fb != nil {
		if fb.Color != "" {
			col := c.color(ptr+"/fallback/color", fb.Color, "transparent")
			l.fallback.color = &col
		}
		if fb.Src != "" {
			l.fallback.asset = c.fittedAsset(ptr+"/fallback/src", fb.Src, l.box, l.fit)
		}
	}
	t := c.template(ptr+"/src", spec.Src)
	if t == nil {
		return nil
	}
	if lit, ok := t.literal(); ok {
		l.asset = c.fittedAsset(ptr+"/src", lit, l.box, l.fit)
		if l.asset == nil {
			return nil
		}
		return l
	}
	field, ok := t.soleField()
	if !ok {
		c.errorf(ptr+"/src", "src is an asset path or exactly one {{field}} of type image, not %q", spec.Src)
		return nil
	}
	if _, ok := c.checkField(ptr+"/src", field, "image"); !ok {
		return nil
	}
	l.field = field
	return l
}

// fittedAsset decodes an asset and fits it into box once, so renders only
// composite it.
func (c *compiler) fittedAsset(ptr, src string, box rect, fit picFit) *image.RGBA {
	data, ok := c.readAsset(ptr, src)
	if !ok {
		return nil
	}
	img, err := DecodeImage(bytes.NewReader(data), 0)
	if err != nil {
		c.errorf(ptr, "picture %s: %v", src, err)
		return nil
	}
	px := box.pixels()
	out := image.NewRGBA(image.Rect(0, 0, px.Dx(), px.Dy()))
	drawPicture(out, rect{W: float64(px.Dx()), H: float64(px.Dy())}, img, fit, 1)
	return out
}

func (l *imageLayer) draw(st *renderState, ly *layer) error {
	return st.blended(l.blend, func() error { return l.paint(st, ly) })
}

func (l *imageLayer) paint(st *renderState, ly *layer) error {
	if l.asset != nil {
		l.composite(st, l.asset, l.box.pixels().Min, ly.opacity)
		return nil
	}
	ref := st.vals[l.field]
	img, reason := l.load(st, ref)
	if img == nil {
		st.info.Fallbacks = append(st.info.Fallbacks, Fallback{Layer: ly.name, Reason: reason})
		return l.drawFallback(st, ly)
	}
	if len(l.shadows) > 0 {
		// An opaque photo's shape is its box with its corners; only a
		// picture with transparency needs its own alpha as the shape.
		dr, sx0, sy0, sx1, sy1 := fitRects(l.box, img.Bounds(), l.fit)
		if dr.Empty() {
			return nil
		}
		if !isOpaque(img) {
			l.composite(st, fitPicture(dr, img, l.fit, sx0, sy0, sx1, sy1), dr.Min, ly.opacity)
			return nil
		}
		drawShadows(st, l.shadows, roundedBox{pixelRect(dr), l.fit.corners}, ly.opacity)
	}
	drawPicture(st.dst, l.box, img, l.fit, ly.opacity)
	return nil
}

// composite draws a prepared picture at p, over the shadows of its alpha.
func (l *imageLayer) composite(st *renderState, pic *image.RGBA, p image.Point, opacity float64) {
	if len(l.shadows) > 0 {
		drawShadows(st, l.shadows, alphaShape{alphaOf(pic), p}, opacity)
	}
	compositeAt(st.dst, p, pic, opacity)
}

func pixelRect(r image.Rectangle) rect {
	return rect{float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())}
}

// load fetches the picture; a nil image comes with the reason to report.
// Failing to load is not an error of the render: the fallback is drawn.
func (l *imageLayer) load(st *renderState, ref string) (image.Image, string) {
	if ref == "" {
		return nil, ReasonMissing
	}
	if st.images == nil {
		return nil, "no image loader"
	}
	px := l.box.pixels()
	img, err := st.images.LoadImage(st.ctx, ref, DecodeHint{Width: px.Dx(), Height: px.Dy(), Fit: l.fit.mode})
	if err != nil {
		return nil, err.Error()
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Sprintf("picture is empty (%dx%d)", b.Dx(), b.Dy())
	}
	return img, ""
}

func (l *imageLayer) drawFallback(st *renderState, ly *layer) error {
	if l.fallback.color == nil {
		if l.fallback.asset != nil {
			l.composite(st, l.fallback.asset, l.box.pixels().Min, ly.opacity)
		}
		return nil
	}
	drawShadows(st, l.shadows, roundedBox{l.box, l.fit.corners}, ly.opacity)
	col := fade(l.fallback.color.resolve(st.vals), ly.opacity)
	if !l.fit.corners.zero() {
		drawRoundedRect(st, l.box, l.fit.corners, col)
	} else {
		fillOver(st.dst, l.box.pixels(), col)
	}
	if l.fallback.asset != nil {
		compositeAt(st.dst, l.box.pixels().Min, l.fallback.asset, ly.opacity)
	}
	return nil
}

// drawPicture fits img into box on dst. The common case (an opaque photo,
// square corners, full opacity, no blur) is scaled straight into dst;
// anything else goes through a scratch image and a mask.
func drawPicture(dst *image.RGBA, box rect, img image.Image, fit picFit, opacity float64) {
	dr, sx0, sy0, sx1, sy1 := fitRects(box, img.Bounds(), fit)
	if dr.Empty() {
		return
	}
	if isOpaque(img) && fit.corners.zero() && opacity >= 1 && fit.blur == 0 {
		if !copyUnscaled(dst, dr, img, sx0, sy0, sx1, sy1) {
			resample.ScaleF(dst, dr, img, sx0, sy0, sx1, sy1)
		}
		return
	}
	scratch := scaledPicture(dr, img, fit, sx0, sy0, sx1, sy1)
	draw.DrawMask(dst, dr, scratch, image.Point{}, pictureMask(dr.Size(), fit.corners, opacity), image.Point{}, draw.Over)
}

// scaledPicture is the shown part of img scaled to dr's size, blurred if
// asked: the blur runs on the scaled picture, so its cost follows the
// box, not the photo. A picture already decoded at its box's size (a
// rounded avatar) and shown from a whole pixel is copied, not resampled a
// second time: the same pixels, as resampling at scale 1 from a whole
// pixel gives back the source.
func scaledPicture(dr image.Rectangle, img image.Image, fit picFit, sx0, sy0, sx1, sy1 float64) *image.RGBA {
	if fit.blur > 0 {
		return blurredPicture(dr.Dx(), dr.Dy(), img, fit.blur, sx0, sy0, sx1, sy1)
	}
	scratch := image.NewRGBA(image.Rect(0, 0, dr.Dx(), dr.Dy()))
	whole := sx0 == math.Trunc(sx0) && sy0 == math.Trunc(sy0) // else resampling shifts it by the fraction, as it always has
	if !whole || !copyUnscaled(scratch, scratch.Bounds(), img, sx0, sy0, sx1, sy1) {
		resample.ScaleF(scratch, scratch.Bounds(), img, sx0, sy0, sx1, sy1)
	}
	return scratch
}

// fitPicture is the picture as drawPicture would draw it at dr, at full
// opacity, as an image of its own: for shadows cast from its alpha.
func fitPicture(dr image.Rectangle, img image.Image, fit picFit, sx0, sy0, sx1, sy1 float64) *image.RGBA {
	scratch := scaledPicture(dr, img, fit, sx0, sy0, sx1, sy1)
	if fit.corners.zero() {
		return scratch
	}
	out := image.NewRGBA(scratch.Rect)
	draw.DrawMask(out, out.Rect, scratch, image.Point{}, pictureMask(dr.Size(), fit.corners, 1), image.Point{}, draw.Src)
	return out
}

// copyUnscaled copies the shown part of an RGBA picture that needs no
// scaling, which is what a JPEG decoded for its box (DecodeHint) usually
// is. Its offset is rounded to whole pixels: a half-pixel shift of a crop
// cannot be seen, while resampling for it would blur the photo. It
// reports false when the picture does need scaling.
func copyUnscaled(dst *image.RGBA, dr image.Rectangle, img image.Image, sx0, sy0, sx1, sy1 float64) bool {
	src := bareRGBA(img)
	const eps = 1e-6
	if src == nil || math.Abs(sx1-sx0-float64(dr.Dx())) > eps || math.Abs(sy1-sy0-float64(dr.Dy())) > eps {
		return false
	}
	sp := image.Pt(int(math.Round(sx0)), int(math.Round(sy0)))
	if !sp.In(src.Bounds()) || !image.Rect(sp.X, sp.Y, sp.X+dr.Dx(), sp.Y+dr.Dy()).In(src.Bounds()) {
		return false
	}
	draw.Draw(dst, dr, src, sp, draw.Src)
	return true
}

// fitRects returns where a picture goes on the card and which part of it
// (in source pixels, fractional) is shown there.
func fitRects(box rect, b image.Rectangle, fit picFit) (dr image.Rectangle, sx0, sy0, sx1, sy1 float64) {
	iw, ih := float64(b.Dx()), float64(b.Dy())
	sx0, sy0, sx1, sy1 = float64(b.Min.X), float64(b.Min.Y), float64(b.Max.X), float64(b.Max.Y)
	switch fit.mode {
	case "contain":
		s := min(box.W/iw, box.H/ih)
		w, h := iw*s, ih*s
		box = rect{box.X + (box.W-w)/2, box.Y + (box.H-h)/2, w, h}
	case "cover":
		s := max(box.W/iw, box.H/ih)
		vw, vh := box.W/s, box.H/s // the visible part, in source pixels
		sx0 += fit.focusX * (iw - vw)
		sy0 += fit.focusY * (ih - vh)
		sx1, sy1 = sx0+vw, sy0+vh
	}
	return box.pixels(), sx0, sy0, sx1, sy1
}

func isOpaque(img image.Image) bool {
	o, ok := img.(interface{ Opaque() bool })
	return ok && o.Opaque()
}

// pictureMask is the coverage of a picture: rounded corners and opacity.
// nil means fully opaque.
func pictureMask(size image.Point, k corners, opacity float64) image.Image {
	alpha := uint8(math.Round(min(max(opacity, 0), 1) * 255))
	if k.zero() {
		if alpha == 255 {
			return nil
		}
		return image.NewUniform(color.Alpha{alpha})
	}
	m := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	ras := rasterizer.FromImage(m, canvas.DPMM(1), canvas.LinearColorSpace{})
	style := canvas.DefaultStyle
	style.Fill = canvas.Paint{Color: color.RGBA{alpha, alpha, alpha, alpha}}
	ras.RenderPath(k.path(float64(size.X), float64(size.Y)), style, canvas.Identity)
	return alphaOf(m)
}

// compositeAt draws a prepared picture over dst at p with an opacity.
func compositeAt(dst *image.RGBA, p image.Point, img *image.RGBA, opacity float64) {
	r := img.Bounds().Add(p)
	draw.DrawMask(dst, r, img, image.Point{}, pictureMask(r.Size(), corners{}, opacity), image.Point{}, draw.Over)
}

// fillOver composites a colour over a rectangle of dst.
func fillOver(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	if c.A == 255 {
		fillRGBA(dst, r, c)
		return
	}
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Over)
}

var _ drawer = (*imageLayer)(nil)
