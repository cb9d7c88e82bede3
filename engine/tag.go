package engine

import (
	"github.com/ogcard/ogcard/engine/typeset"
	"github.com/ogcard/ogcard/fonts"
)

// tagLayer is a one-line label on a rounded background that sizes itself
// to the text, placed from a corner of the canvas.
type tagLayer struct {
	textBody
	font          *fonts.Stack
	size          float64
	letterSpacing float64
	color         fill // over the pill
	background    fill
	padX, padY    float64
	corners       corners
	shadows       []*shadow
	anchor        string
	x, y          float64
	maxWidth      float64
}

func (c *compiler) tagLayer(ptr string, spec *LayerSpec) drawer {
	t := &tagLayer{
		font:          c.fontFor(ptr, spec.Font),
		size:          spec.Size,
		letterSpacing: spec.LetterSpacing,
		color:         c.fill(ptr+"/color", spec.Color, "white"),
		background:    c.fill(ptr+"/background", spec.Background, "#e11d48"),
		padX:          14, padY: 6,
		corners: c.corners(ptr+"/radius", spec.Radius, 6),
		shadows: c.shadows(ptr+"/shadow", spec.Shadow),
		anchor:  cmpOr(spec.Anchor, "top-left"),
		x:       lengthOr(spec.X, c.width, 40),
		y:       lengthOr(spec.Y, c.height, 32),
	}
	if p := spec.Padding; p != nil {
		t.padX, t.padY = floatOr(p.X, t.padX), floatOr(p.Y, t.padY)
	}
	t.maxWidth = lengthOr(spec.MaxWidth, c.width, c.width-2*t.x)
	if t.maxWidth <= 2*t.padX {
		c.errorf(ptr+"/maxWidth", "the tag has no room for text: maxWidth %.0fpx is not wider than its padding", t.maxWidth)
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

func lengthOr(l *Length, whole, def float64) float64 {
	if l == nil {
		return def
	}
	return l.Resolve(whole)
}

func floatOr(f *float64, def float64) float64 {
	if f == nil {
		return def
	}
	return *f
}

func (t *tagLayer) draw(st *renderState, l *layer) error {
	s := t.content(st.vals)
	block, err := t.set(st, s, t.maxWidth)
	if err != nil || len(block.Lines) == 0 {
		return err
	}
	box := rect{W: block.Lines[0].Width + 2*t.padX, H: t.pillHeight(block)}
	box.X, box.Y = t.x, t.y
	W, H := float64(st.t.Width), float64(st.t.Height)
	if t.anchor == "top-right" || t.anchor == "bottom-right" {
		box.X = W - t.x - box.W
	}
	if t.anchor == "bottom-left" || t.anchor == "bottom-right" {
		box.Y = H - t.y - box.H
	}
	return t.paint(st, l, box, s, block)
}

// set shapes s on one line within a pill at most maxWidth wide.
func (t *tagLayer) set(st *renderState, s content, maxWidth float64) (typeset.Block, error) {
	st.textSets++
	return typeset.Layout(s.text, typeset.Params{
		Font: t.font, Size: t.size, LetterSpacing: t.letterSpacing,
		MaxWidth: maxWidth - 2*t.padX, MaxLines: 1, Runs: s.runs,
	})
}

// pillHeight is the font's ascent and descent (CSS's "normal" line
// height) at the block's largest size, plus padding, so the text sits
// visually centred.
func (t *tagLayer) pillHeight(block typeset.Block) float64 {
	return (t.font.Ascent()+t.font.Descent())*t.largest(block) + 2*t.padY
}

// baseline is the distance from the pill's top to the text's baseline.
func (t *tagLayer) baseline(block typeset.Block) float64 {
	return t.padY + t.font.Ascent()*t.largest(block)
}

// largest is the block's largest font size: the tag's own size for plain
// text, or for rich text with nothing drawn.
func (t *tagLayer) largest(block typeset.Block) float64 {
	if block.Largest > 0 {
		return block.Largest
	}
	return t.size
}

// paint draws the pill in box and the set text in it.
func (t *tagLayer) paint(st *renderState, l *layer, box rect, s content, block typeset.Block) error {
	st.drawnBox, st.fontSize = &box, t.size
	pill := roundedBox{box, t.corners}
	drawShadows(st, t.shadows, pill, l.opacity)
	fillShape(st, pill, t.background.resolve(st.vals, l.opacity, box))
	baseline := box.Y + t.baseline(block)
	if s.runs != nil {
		return paintRich(st, l, s, block, t.color, box, nil, richPlacement{
			lineX:    func(float64) float64 { return box.X + t.padX },
			baseline: func(int) float64 { return baseline },
		})
	}
	st.warnMissing(l, t.font, s.text)
	set, err := t.font.Line(block.Lines[0].Text, t.size, t.letterSpacing, fonts.IsRTL(s.text))
	if err != nil {
		return err
	}
	drawGlyphs(st, []placedLine{{set, box.X + t.padX, baseline}}, t.color.resolve(st.vals, l.opacity, box), nil, l.opacity)
	return nil
}

var _ drawer = (*tagLayer)(nil)
