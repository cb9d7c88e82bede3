package engine

import (
	"bytes"
	"strconv"

	"github.com/srwiley/oksvg"
)

// stackLayer lays its own layers out in a row or a column, as Figma's Auto
// Layout does: a gap between them, padding around them, each child hugging
// its content, fixed, or growing into the room left; hidden children take
// no room. Compiled once; each render measures and arranges its children
// in a stackRun (stackrun.go) and draws them (stackdraw.go).
type stackLayer struct {
	place     stackPlace
	column    bool
	gap       float64
	pad       insets
	align     string // start, center, end, stretch, baseline
	justify   string // start, center, end, space-between
	wrap      bool
	dir       string // ltr, rtl, auto
	items     []*stackItem
	separator *stackItem
	fill      fill
	corners   corners
	shadows   []*shadow
}

// stackItem is a child of a stack: a compiled layer and how it is sized.
type stackItem struct {
	l    *layer
	w, h sizing
}

// sizing is how a child is sized on one axis.
type sizing struct {
	kind sizeKind
	px   float64 // for fixed
}

type sizeKind uint8

const (
	hug   sizeKind = iota // its content's size
	fixed                 // a length
	grow                  // a share of the room left
)

// insets are padding, side by side.
type insets struct{ top, right, bottom, left float64 }

// stackPlace is a top-level stack's box as written: per axis, an edge and a
// size; a size left out (and not both edges) hugs the content.
type stackPlace struct {
	x, y axisPlace
}

type axisPlace struct {
	start, size, end *float64
}

// room is the most length the stack may take on the axis: its size, or
// the canvas between the edges given.
func (a axisPlace) room(whole float64) float64 {
	switch {
	case a.size != nil:
		return *a.size
	case a.start != nil && a.end != nil:
		return whole - *a.start - *a.end
	}
	return whole - deref(a.start) - deref(a.end)
}

// hugs reports whether the axis takes its length from the content.
func (a axisPlace) hugs() bool { return a.size == nil && (a.start == nil || a.end == nil) }

// at places a length of n on the axis: from the start edge, else from
// the end edge, else at 0.
func (a axisPlace) at(whole, n float64) float64 {
	switch {
	case a.start != nil:
		return *a.start
	case a.end != nil:
		return whole - *a.end - n
	}
	return 0
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func (c *compiler) stackLayer(ptr string, spec *LayerSpec) drawer {
	s := &stackLayer{
		column:  spec.Direction == "column",
		gap:     floatOr(spec.Gap, 0),
		pad:     paddingOf(spec.Padding),
		align:   cmpOr(spec.Align, "start"),
		justify: cmpOr(spec.Justify, "start"),
		wrap:    spec.Wrap,
		dir:     cmpOr(spec.Dir, "ltr"),
		fill:    c.fill(ptr+"/fill", spec.Fill, "transparent"),
		corners: c.corners(ptr+"/radius", spec.Radius, 0),
		shadows: c.shadows(ptr+"/shadow", spec.Shadow),
	}
	if s.align == "baseline" && s.column {
		c.errorf(ptr+"/align", `"baseline" aligns the texts of a row; a column aligns start, center, end or stretch`)
	}
	s.place = c.stackPlace(ptr, spec.Box)
	for i := range spec.Layers {
		if it := c.stackItem(ptr+"/layers/"+strconv.Itoa(i), &spec.Layers[i]); it != nil {
			s.items = append(s.items, it)
		}
	}
	if spec.Separator != nil {
		s.separator = c.separator(ptr+"/separator", spec.Separator)
	}
	return s
}

// paddingOf reads a stack's padding: x and y, overridden side by side.
func paddingOf(p *PaddingSpec) insets {
	if p == nil {
		return insets{}
	}
	x, y := floatOr(p.X, 0), floatOr(p.Y, 0)
	return insets{top: floatOr(p.Top, y), right: floatOr(p.Right, x), bottom: floatOr(p.Bottom, y), left: floatOr(p.Left, x)}
}

// stackPlace checks a top-level stack's box: lengths resolved on the
// canvas, at most two per axis, and no "grow" outside a stack.
func (c *compiler) stackPlace(ptr string, b *BoxSpec) stackPlace {
	if b == nil {
		return stackPlace{}
	}
	if _, err := b.resolveOrHug(c.width, c.height); err != nil {
		c.errorf(ptr+"/box", "%v", err)
	}
	px := func(l *Length, whole float64) *float64 {
		if l == nil || l.Grow {
			return nil
		}
		v := l.Resolve(whole)
		return &v
	}
	return stackPlace{
		x: axisPlace{start: px(firstLength(b.X, b.Left), c.width), size: px(b.Width, c.width), end: px(b.Right, c.width)},
		y: axisPlace{start: px(firstLength(b.Y, b.Top), c.height), size: px(b.Height, c.height), end: px(b.Bottom, c.height)},
	}
}

// resolveOrHug checks a stack's box as resolve does, except that a missing
// size is not an empty box: the stack hugs its content there.
func (b *BoxSpec) resolveOrHug(w, h float64) (rect, error) {
	hugged := *b
	one := Length{Value: 1}
	if b.Width == nil && (firstLength(b.X, b.Left) == nil || b.Right == nil) {
		hugged.Width, hugged.Right = &one, nil
	}
	if b.Height == nil && (firstLength(b.Y, b.Top) == nil || b.Bottom == nil) {
		hugged.Height, hugged.Bottom = &one, nil
	}
	return hugged.resolve(w, h)
}

// stackItem compiles a child of a stack. Its box may only size it (the
// stack places it); what is left out hugs the content.
func (c *compiler) stackItem(ptr string, spec *LayerSpec) *stackItem {
	it := &stackItem{}
	child := *spec
	if b := spec.Box; b != nil {
		if b.X != nil || b.Y != nil || b.Left != nil || b.Top != nil || b.Right != nil || b.Bottom != nil {
			c.errorf(ptr+"/box", "a layer in a stack is placed by the stack: give only width and height")
		}
		it.w, it.h = sizingOf(b.Width, c.width), sizingOf(b.Height, c.height)
	}
	switch spec.Type {
	case "svg":
		c.svgOwnSize(ptr, spec, it)
	case "image":
		c.imageOwnSize(ptr, spec, it)
	case "tag":
		if spec.Anchor != "" || spec.X != nil || spec.Y != nil {
			c.errorf(ptr, "a tag in a stack is placed by the stack: leave out anchor, x and y")
		}
	}
	// Compile the child in a box of its fixed size (an svg is drawn at it,
	// an asset picture fitted to it); the stack decides where it goes.
	child.Box = &BoxSpec{Width: fixedLength(it.w), Height: fixedLength(it.h)}
	l := c.compileLayerAt(ptr, &child)
	if l == nil {
		return nil
	}
	it.l = l
	return it
}

func sizingOf(l *Length, whole float64) sizing {
	switch {
	case l == nil:
		return sizing{}
	case l.Grow:
		return sizing{kind: grow}
	}
	return sizing{kind: fixed, px: l.Resolve(whole)}
}

func fixedLength(s sizing) *Length {
	if s.kind != fixed {
		return nil
	}
	return &Length{Value: s.px}
}

// svgOwnSize sizes an svg child from its viewBox where no length is given,
// keeping its proportions. An svg is drawn once, at compile time, so its
// size cannot grow.
func (c *compiler) svgOwnSize(ptr string, spec *LayerSpec, it *stackItem) {
	if it.w.kind == grow || it.h.kind == grow {
		c.errorf(ptr+"/box", `an svg is drawn at a fixed size: give width and height, or leave them out for its own size, not "grow"`)
		it.w, it.h = sizing{}, sizing{}
	}
	if it.w.kind == fixed && it.h.kind == fixed {
		return
	}
	data, ok := c.readAsset(ptr+"/src", spec.Src)
	if !ok {
		return
	}
	icon, err := oksvg.ReadIconStream(bytes.NewReader(data), oksvg.StrictErrorMode)
	if err != nil || icon.ViewBox.W <= 0 || icon.ViewBox.H <= 0 {
		return // the svg layer's own compile says what is wrong
	}
	it.w, it.h = ownSize(it.w, it.h, icon.ViewBox.W, icon.ViewBox.H)
}

// ownSize fills the hugging axes from a picture's own w by h, scaled to
// keep its proportions when the other axis is fixed.
func ownSize(sw, sh sizing, w, h float64) (sizing, sizing) {
	switch {
	case sw.kind == fixed:
		sh = sizing{kind: fixed, px: sw.px * h / w}
	case sh.kind == fixed:
		sw = sizing{kind: fixed, px: sh.px * w / h}
	default:
		sw, sh = sizing{kind: fixed, px: w}, sizing{kind: fixed, px: h}
	}
	return sw, sh
}

// imageOwnSize sizes a picture child: an asset from its own pixels where
// no length is given; a photo from the data has no size before it loads,
// so it needs a length or "grow" on both axes.
func (c *compiler) imageOwnSize(ptr string, spec *LayerSpec, it *stackItem) {
	t, err := parseTemplate(spec.Src)
	if err != nil {
		return // reported by the image layer's compile
	}
	lit, isAsset := t.literal()
	if !isAsset {
		if it.w.kind == hug || it.h.kind == hug {
			c.errorf(ptr+"/box", "a photo from the data has no size until it loads: give its width and height (a length or \"grow\")")
			it.w, it.h = sizing{kind: grow}, sizing{kind: grow}
		}
		return
	}
	if it.w.kind == grow || it.h.kind == grow {
		c.errorf(ptr+"/box", `an asset picture is fitted once, at a fixed size: give width and height, or leave them out for its own size, not "grow"`)
		it.w, it.h = sizing{}, sizing{}
	}
	if it.w.kind == fixed && it.h.kind == fixed {
		return
	}
	data, ok := c.readAsset(ptr+"/src", lit)
	if !ok {
		return
	}
	img, err := DecodeImage(bytes.NewReader(data), 0)
	if err != nil {
		return // reported by the image layer's compile
	}
	b := img.Bounds()
	it.w, it.h = ownSize(it.w, it.h, float64(b.Dx()), float64(b.Dy()))
}

// separator compiles a stack's separator: a text, tag or svg without a
// box, drawn between drawn children.
func (c *compiler) separator(ptr string, spec *LayerSpec) *stackItem {
	switch spec.Type {
	case "text", "svg", "tag":
	default:
		c.errorf(ptr+"/type", "a separator is a text, tag or svg, not %s", spec.Type)
		return nil
	}
	if spec.Box != nil && (spec.Box.X != nil || spec.Box.Y != nil || spec.Box.Left != nil || spec.Box.Top != nil || spec.Box.Right != nil || spec.Box.Bottom != nil) {
		c.errorf(ptr+"/box", "a separator is placed by the stack: give at most its width and height")
		return nil
	}
	return c.stackItem(ptr, spec)
}

var _ drawer = (*stackLayer)(nil)
