package engine

import (
	"fmt"
	"strings"

	"github.com/ogcard/ogcard/engine/typeset"
	"github.com/ogcard/ogcard/fonts"
)

// SpanSpec is one span of a rich text or tag layer as written: a text
// template, or an SVG icon, in its own style. Style properties left out
// are the layer's.
type SpanSpec struct {
	Text          string    `json:"text,omitempty"`
	SVG           string    `json:"svg,omitempty"`
	When          *WhenSpec `json:"when,omitempty"`
	Font          *FontSpec `json:"font,omitempty"`
	Size          float64   `json:"size,omitempty"`
	Color         Paint     `json:"color,omitzero"`
	LetterSpacing *float64  `json:"letterSpacing,omitempty"`
	Decoration    string    `json:"decoration,omitempty"`
}

// span is a compiled span: immutable, shared by every render.
type span struct {
	text          *textTemplate // nil for an icon
	icon          *icon         // nil for text
	when          condition
	font          *fonts.Stack
	scale         float64 // its size over the layer's: auto-fit keeps the ratio
	color         *fill   // nil: the layer's colour
	letterSpacing float64
	decoration    string // "", "underline" or "line-through"
}

// richText is the spans of a layer, in order; nil for a plain layer.
type richText []*span

// textBody is what a text or tag layer draws: a template, or spans.
type textBody struct {
	text  *textTemplate // plain text, or
	spans richText      // rich text
}

// textBody compiles a text or tag layer's text or spans; ok is false when
// a problem was recorded.
func (c *compiler) textBody(ptr string, spec *LayerSpec, font *fonts.Stack) (b textBody, ok bool) {
	if len(spec.Spans) > 0 {
		b.spans = c.spans(ptr, spec, font)
	} else {
		b.text = c.template(ptr+"/text", spec.Text)
	}
	return b, b.text != nil || b.spans != nil
}

// content fills in the text, plain or rich, for a render.
func (b textBody) content(vals map[string]string) content {
	if b.spans != nil {
		return b.spans.content(vals)
	}
	return content{text: b.text.execute(vals)}
}

// literalParts is the constant text of the body, per span, with the font
// each is drawn in (font for plain text), for the compile-time glyph check.
func (b textBody) literalParts(font *fonts.Stack) ([]string, []*fonts.Stack) {
	if b.spans != nil {
		return b.spans.literalParts()
	}
	return []string{b.text.literalParts()}, []*fonts.Stack{font}
}

// spans compiles a layer's spans against its own font, size, colour and
// letter spacing, which a span inherits where it says nothing.
func (c *compiler) spans(ptr string, spec *LayerSpec, layerFont *fonts.Stack) richText {
	out := make(richText, 0, len(spec.Spans))
	ok := true
	for i := range spec.Spans {
		sp := &spec.Spans[i]
		at := fmt.Sprintf("%s/spans/%d", ptr, i)
		s := &span{
			when:          c.condition(at+"/when", sp.When),
			font:          layerFont,
			scale:         1,
			letterSpacing: spec.LetterSpacing,
			decoration:    strings.TrimPrefix(sp.Decoration, "none"),
		}
		if sp.Font != nil {
			s.font = c.fontFor(at, mergeFont(spec.Font, sp.Font))
		}
		if sp.Size > 0 {
			s.scale = sp.Size / spec.Size
		}
		if sp.LetterSpacing != nil {
			s.letterSpacing = *sp.LetterSpacing
		}
		if sp.Color.Color != "" || sp.Color.Gradient != nil {
			f := c.fill(at+"/color", sp.Color, "white")
			s.color = &f
		}
		if sp.SVG != "" {
			s.icon = c.icon(at+"/svg", sp.SVG, layerFont)
		} else {
			s.text = c.template(at+"/text", sp.Text)
		}
		// A broken span is recorded; go on so every span's problems are
		// reported at once.
		ok = ok && s.font != nil && (s.icon != nil || s.text != nil)
		out = append(out, s)
	}
	if !ok {
		return nil
	}
	return out
}

// mergeFont is a span's font over its layer's: a span that gives only a
// weight keeps the layer's family and style.
func mergeFont(layer, sp *FontSpec) *FontSpec {
	merged := FontSpec{}
	if layer != nil {
		merged = *layer
	}
	merged.Family = cmpOr(sp.Family, merged.Family)
	merged.Weight = cmpOr(sp.Weight, merged.Weight)
	merged.Style = cmpOr(sp.Style, merged.Style)
	return &merged
}

// content is a text or tag layer's text for one render: plain text, or
// the spans that are drawn, run together as one paragraph.
type content struct {
	text  string
	runs  []typeset.Run // nil for plain text
	spans []*span       // the span of each run
}

// empty reports whether there is nothing to draw: a layer or a stack
// child whose text comes out empty takes no space.
func (c content) empty() bool { return strings.TrimSpace(c.text) == "" }

// content fills in the spans drawn for vals: those whose when holds and
// whose text is not empty. An icon is one placeholder character, measured
// by the icon's own width.
func (r richText) content(vals map[string]string) content {
	var c content
	var b strings.Builder
	for _, s := range r {
		if s.when != nil && !s.when.holds(vals) {
			continue
		}
		str := iconChar
		var m typeset.Measurer = s.icon
		if s.text != nil {
			if str = s.text.execute(vals); str == "" {
				continue
			}
			m = s.font
		}
		b.WriteString(str)
		c.runs = append(c.runs, typeset.Run{Len: len(str), Font: m, Scale: s.scale, LetterSpacing: s.letterSpacing})
		c.spans = append(c.spans, s)
	}
	c.text = b.String()
	if c.runs == nil {
		c.runs = []typeset.Run{} // rich, with nothing drawn
	}
	return c
}

// literalParts is the constant text of each text span with its font, for
// the compile-time glyph check.
func (r richText) literalParts() (parts []string, stacks []*fonts.Stack) {
	for _, s := range r {
		if s.text != nil {
			parts, stacks = append(parts, s.text.literalParts()), append(stacks, s.font)
		}
	}
	return parts, stacks
}
