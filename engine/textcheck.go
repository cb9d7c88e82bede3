package engine

import (
	"fmt"
	"strings"

	"github.com/ogcard/ogcard/fonts"
)

// MissingGlyphs checks the constant text of every text and tag layer (the
// literal parts of its template, which no data can change) against the
// layer's fonts, and returns one warning per layer whose text has
// characters that no font can draw, naming them. Text that comes from data
// is checked at render time instead (RenderInfo.Warnings).
func (t *Template) MissingGlyphs() []string {
	var warnings []string
	for _, l := range t.layers {
		texts, stacks := constantText(l.drawer)
		var codes []string
		for i, text := range texts {
			for _, r := range stacks[i].Missing(text) {
				codes = append(codes, fmt.Sprintf("U+%04X %q", r, r))
			}
		}
		if len(codes) > 0 {
			warnings = append(warnings, fmt.Sprintf("layer %s: no font can draw %s", l.name, strings.Join(codes, ", ")))
		}
	}
	return warnings
}

// constantText is the literal text of a text or tag layer (of each of
// its spans) and the fonts each is drawn with.
func constantText(d drawer) ([]string, []*fonts.Stack) {
	switch d := d.(type) {
	case *textLayer:
		return d.literalParts(d.font)
	case *tagLayer:
		return d.literalParts(d.font)
	}
	return nil, nil
}

// literalParts joins the parts of a template that are not placeholders.
func (t *textTemplate) literalParts() string {
	var b strings.Builder
	for _, p := range t.parts {
		b.WriteString(p.literal)
	}
	return b.String()
}
