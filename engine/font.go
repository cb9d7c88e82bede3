package engine

import (
	"fmt"
	"strings"

	"github.com/ogcard/ogcard/fonts"
)

// fontFor resolves a text or tag layer's font, with its fallbacks for
// other scripts and emoji, against the registry.
func (c *compiler) fontFor(ptr string, spec *FontSpec) *fonts.Stack {
	family, weight, italic := fonts.DefaultFamily, 400, false
	if spec != nil {
		family = cmpOr(spec.Family, family)
		weight = cmpOr(spec.Weight, weight)
		italic = spec.Style == "italic"
	}
	f, ok := c.fonts.Stack(family, weight, italic)
	if !ok {
		c.errorf(ptr+"/font/family", "no font family %q (available: %s)", family, strings.Join(c.fonts.Families(), ", "))
	}
	return f
}

// warnMissing notes the characters of s that no font can draw, as
// U+XXXX codes, so a card with tofu boxes does not pass unnoticed.
func (st *renderState) warnMissing(l *layer, f *fonts.Stack, s string) {
	missing := f.Missing(s)
	if len(missing) == 0 {
		return
	}
	st.info.MissingGlyphs = true
	codes := make([]string, len(missing))
	for i, r := range missing {
		codes[i] = fmt.Sprintf("U+%04X %q", r, r)
	}
	st.info.Warnings = append(st.info.Warnings,
		fmt.Sprintf("missing glyphs in layer %s (font %s): %s", l.name, f, strings.Join(codes, ", ")))
}
