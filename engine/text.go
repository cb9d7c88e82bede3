package engine

import (
	"github.com/ogcard/ogcard/engine/typeset"
	"github.com/ogcard/ogcard/fonts"
)

// textLayer is a block of text in a box: wrapped, clamped with an
// ellipsis, optionally auto-fitted, aligned, with an optional shadow.
type textLayer struct {
	box rect
	textBody
	font          *fonts.Stack
	size, minSize float64
	lineHeight    float64
	letterSpacing float64
	color         fill // a gradient spans the box
	align, valign string
	maxLines      int
	shadow        *shadow
}

func (c *compiler) textLayer(ptr string, spec *LayerSpec) drawer {
	t := &textLayer{
		box:           c.box(ptr, spec.Box),
		font:          c.fontFor(ptr, spec.Font),
		size:          spec.Size,
		minSize:       spec.MinSize,
		lineHeight:    cmpOr(spec.LineHeight, 1.2),
		letterSpacing: spec.LetterSpacing,
		color:         c.fill(ptr+"/color", spec.Color, "white"),
		align:         cmpOr(spec.Align, "start"),
		valign:        cmpOr(spec.VAlign, "top"),
		maxLines:      spec.MaxLines,
		shadow:        c.textShadow(ptr+"/shadow", spec.Shadow),
	}
	if t.minSize > t.size {
		c.errorf(ptr+"/minSize", "minSize %v is larger than size %v", t.minSize, t.size)
	}
	if t.size*t.lineHeight > t.box.H+0.5 {
		c.errorf(ptr+"/size", "one line of %vpx text (line height %v) does not fit the box's height of %.0fpx", t.size, t.lineHeight, t.box.H)
	}
	if t.font == nil {
		return nil
	}
	var ok bool
	if t.textBody, ok = c.textBody(ptr, spec, t.font); !ok {
		return nil
	}
	return t
}

func (t *textLayer) draw(st *renderState, l *layer) error {
	s := t.content(st.vals)
	block, err := t.set(st, s, t.box.W, t.box.H)
	if err != nil || len(block.Lines) == 0 {
		return err
	}
	return t.paint(st, l, t.box, s, block)
}

// set shapes and wraps s at most maxWidth wide (0: no wrapping) and
// maxHeight high (0: unbounded), with maxLines, ellipsis and auto-fit. It
// is the one place a text layer is measured, whether in a box or in a
// stack; rich text extends it.
func (t *textLayer) set(st *renderState, s content, maxWidth, maxHeight float64) (typeset.Block, error) {
	st.textSets++
	return typeset.Layout(s.text, typeset.Params{
		Font: t.font, Size: t.size, MinSize: t.minSize, LineHeight: t.lineHeight,
		LetterSpacing: t.letterSpacing, MaxWidth: maxWidth, MaxHeight: maxHeight, MaxLines: t.maxLines,
		Runs: s.runs,
	})
}

// paint draws a set block of s in box.
func (t *textLayer) paint(st *renderState, l *layer, box rect, s content, block typeset.Block) error {
	st.fontSize = block.Size
	top := box.Y
	switch t.valign {
	case "middle":
		top += (box.H - block.Height()) / 2
	case "bottom":
		top += box.H - block.Height()
	}
	rtl := fonts.IsRTL(s.text)
	baseline := func(i int) float64 {
		return top + float64(i)*block.LineHeight + baselineOffset(t.font, block.Largest, block.LineHeight)
	}
	if s.runs != nil {
		return paintRich(st, l, s, block, t.color, t.box, t.shadow, richPlacement{
			lineX:    func(w float64) float64 { return alignX(t.align, rtl, box, w) },
			baseline: baseline,
		})
	}
	st.warnMissing(l, t.font, s.text)
	lines := make([]placedLine, 0, len(block.Lines))
	for i, line := range block.Lines {
		set, err := t.font.Line(line.Text, block.Size, t.letterSpacing, rtl)
		if err != nil {
			return err
		}
		lines = append(lines, placedLine{set, alignX(t.align, rtl, box, set.Width), baseline(i)})
	}
	drawGlyphs(st, lines, t.color.resolve(st.vals, l.opacity, t.box), t.shadow, l.opacity)
	return nil
}

// placedLine is a set line and where its baseline starts, in card pixels.
type placedLine struct {
	*fonts.Line
	x, y float64
}

// alignX places a line of width w in box. start and end follow the
// paragraph's direction: start is the right edge for Arabic or Hebrew.
func alignX(align string, rtl bool, box rect, w float64) float64 {
	switch {
	case align == "center":
		return box.X + (box.W-w)/2
	case align == "right", align == "end" && !rtl, align == "start" && rtl:
		return box.X + box.W - w
	}
	return box.X
}

// baselineOffset centres the font's ascent+descent in the line box, as CSS
// does, and snaps nothing: sub-pixel baselines keep line spacing even.
func baselineOffset(f *fonts.Stack, size, lineHeight float64) float64 {
	content := (f.Ascent() + f.Descent()) * size
	return (lineHeight-content)/2 + f.Ascent()*size
}

var _ drawer = (*textLayer)(nil)
