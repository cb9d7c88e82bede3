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
		text, stack := constantText(l.drawer)
		if stack == nil || text == "" {
			continue
		}
		missing := stack.Missing(text)
		if len(missing) == 0 {
			continue
		}
		codes := make([]string, len(missing))
		for i, r := range missing {
			codes[i] = fmt.Sprintf("U+%04X %q", r, r)
		}
		warnings = append(warnings, fmt.Sprintf("layer %s: no font can draw %s", l.name, strings.Join(codes, ", ")))
	}
	return warnings
}

// constantText is the literal text of a text or tag layer and its fonts.
func constantText(d drawer) (string, *fonts.Stack) {
	switch d := d.(type) {
	case *textLayer:
		return d.text.literalParts(), d.font
	case *tagLayer:
		return d.text.literalParts(), d.font
	}
	return "", nil
}

// literalParts joins the parts of a template that are not placeholders.
func (t *textTemplate) literalParts() string {
	var b strings.Builder
	for _, p := range t.parts {
		b.WriteString(p.literal)
	}
	return b.String()
}
