package engine

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"slices"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"
)

// Version changes whenever the engine would draw the same layout and data
// differently; it is part of every cache key.
const Version = "ogcard-engine/2" // 2: weights 300, 500, 600 and 800 of Noto Sans are their own faces

// Template is a compiled layout: immutable, and safe for concurrent use by
// any number of renders. Build one with [Compile] or [LoadFile].
type Template struct {
	Name        string // from the layout, or the file name
	File        string // the layout file as given
	Description string
	Width       int
	Height      int
	Output      Output // the layout's default encoding
	Hash        string // hex SHA-256 of the layout file and every asset and font it uses
	VariantName string // the variant's name; empty for the layout itself

	variants map[string]*Template
	alt      *textTemplate // og:image:alt; nil: none

	fields     map[string]Field
	fieldOrder []string
	background color.RGBA
	layers     []*layer
}

// FieldNames lists the layout's data fields in name order.
func (t *Template) FieldNames() []string { return slices.Clone(t.fieldOrder) }

// Field returns the declaration of a data field.
func (t *Template) Field(name string) (Field, bool) {
	f, ok := t.fields[name]
	return f, ok
}

// SampleData returns the fields' sample values (or defaults), for previews.
func (t *Template) SampleData() Data {
	d := Data{}
	for name, f := range t.fields {
		switch {
		case f.Sample.Set:
			d[name] = f.Sample.Value
		case f.Default.Set:
			d[name] = f.Default.Value
		}
	}
	return d
}

// ImageLoader fetches and decodes the picture a data field names (a URL or
// a path, as the loader allows). It is how the engine stays free of HTTP:
// the server and the CLI each pass the loader they trust. The hint says
// how the picture will be drawn: a loader decoding with DecodeImageFor
// returns it already shrunk to that size, so a 1600x900 JPEG drawn
// 1200x630 is decoded and scaled once, to 1200x675, and a cached copy is
// only copied by later renders. The zero hint asks for full size.
type ImageLoader interface {
	LoadImage(ctx context.Context, ref string, hint DecodeHint) (image.Image, error)
}

// RenderOptions are per-render inputs besides the data. The zero value
// renders with no way to load images: every image field falls back.
type RenderOptions struct {
	Images ImageLoader
}

// RenderInfo reports what a render had to work around. A card with
// fallbacks or missing glyphs should be cached only briefly: the picture
// may come back, and another replica may have the font.
type RenderInfo struct {
	Fallbacks []Fallback // image layers that drew their fallback
	Warnings  []string   // things a designer should know (missing glyphs)
	// MissingGlyphs is set when some text had a character no font of
	// its stack could draw (drawn as an empty box).
	MissingGlyphs bool
	Layers        []LayerInfo // what each drawn layer covered, for the preview's debug view
}

// LayerInfo describes one drawn layer.
type LayerInfo struct {
	Name     string          `json:"name"`               // the layer's name, or its JSON Pointer
	Kind     string          `json:"kind"`               // image, gradient, rect, text, tag, svg
	Box      image.Rectangle `json:"box"`                // in card pixels
	FontSize float64         `json:"fontSize,omitempty"` // text and tag: the size used, after auto-fit
}

// Transient reports whether a picture failed to load (rather than being
// left out of the data), or a character had no glyph: such a card should
// be cached only briefly and never stored, as the picture may load next
// time, and a replica with the missing font would draw it right.
func (i *RenderInfo) Transient() bool {
	if i.MissingGlyphs {
		return true
	}
	for _, f := range i.Fallbacks {
		if f.Reason != ReasonMissing {
			return true
		}
	}
	return false
}

// ReasonMissing is the Fallback reason when the data has no picture.
const ReasonMissing = "missing"

// Fallback says why an image layer drew its fallback.
type Fallback struct {
	Layer  string // layer name or pointer
	Reason string // "missing" when the field was empty, else the load error
}

// layer is a compiled layer with what every kind shares.
type layer struct {
	name    string // for messages: the layer's name, else its JSON Pointer
	kind    string
	box     rect      // where it draws; tags report theirs while drawing
	when    condition // nil: always drawn
	drawer  drawer
	opacity float64
}

// shown reports whether the layer's when holds for vals.
func (l *layer) shown(vals map[string]string) bool {
	return l.when == nil || l.when.holds(vals)
}

// drawer draws one kind of layer. Implementations are immutable; all
// per-render state is in the renderState.
type drawer interface {
	draw(st *renderState, l *layer) error
}

// renderState is what one render carries from layer to layer, as
// text/template's state is to its Template.
type renderState struct {
	ctx    context.Context
	t      *Template
	dst    *image.RGBA
	vals   map[string]string
	images ImageLoader
	info   *RenderInfo
	ras    *rasterizer.Rasterizer

	textSets int // texts shaped and wrapped, for the test that stacks set each once

	// Set by a drawer for the current layer's LayerInfo.
	drawnBox *rect
	fontSize float64
}

// rasterizer returns a canvas renderer over the card, made on first use:
// photo-only cards never need one.
func (st *renderState) rasterizer() *rasterizer.Rasterizer {
	if st.ras == nil {
		st.ras = rasterizer.FromImage(st.dst, canvas.DPMM(1), canvas.LinearColorSpace{})
	}
	return st.ras
}

// flipY converts a top-down pixel y to canvas's bottom-up coordinates.
func (st *renderState) flipY(y float64) float64 { return float64(st.t.Height) - y }

// Render draws the card for data. It returns a *DataError when data does
// not fit the layout's fields, and ctx's error when ctx ends first (it is
// checked between layers).
func (t *Template) Render(ctx context.Context, data Data, opts RenderOptions) (*image.RGBA, *RenderInfo, error) {
	vals, err := t.bind(data)
	if err != nil {
		return nil, nil, err
	}
	dst := canvasPool.rgba(image.Rect(0, 0, t.Width, t.Height))
	fillRGBA(dst, dst.Bounds(), t.background) // every pixel: a recycled canvas needs no clearing
	st := &renderState{ctx: ctx, t: t, dst: dst, vals: vals, images: opts.Images, info: &RenderInfo{}}
	for _, l := range t.layers {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if !l.shown(vals) {
			continue
		}
		st.drawnBox, st.fontSize = nil, 0
		if err := l.drawer.draw(st, l); err != nil {
			return nil, nil, fmt.Errorf("layer %s: %w", l.name, err)
		}
		box := l.box
		if st.drawnBox != nil {
			box = *st.drawnBox
		}
		st.info.Layers = append(st.info.Layers, LayerInfo{Name: l.name, Kind: l.kind, Box: box.pixels(), FontSize: st.fontSize})
	}
	return dst, st.info, nil
}

// fillRGBA sets every pixel of r in dst to c (premultiplied).
func fillRGBA(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	row := dst.Pix[dst.PixOffset(r.Min.X, r.Min.Y) : dst.PixOffset(r.Max.X-1, r.Min.Y)+4]
	for i := 0; i < len(row); i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(dst.Pix[dst.PixOffset(r.Min.X, y):], row)
	}
}
