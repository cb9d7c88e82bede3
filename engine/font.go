package engine

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ogcard/ogcard/fonts"
)

// fontFor resolves a text or tag layer's font against the registry.
func (c *compiler) fontFor(ptr string, spec *FontSpec) *fonts.Font {
	family, weight, italic := fonts.DefaultFamily, 400, false
	if spec != nil {
		family = cmpOr(spec.Family, family)
		weight = cmpOr(spec.Weight, weight)
		italic = spec.Style == "italic"
	}
	f, ok := c.fonts.Lookup(family, weight, italic)
	if !ok {
		c.errorf(ptr+"/font/family", "no font family %q (available: %s)", family, strings.Join(c.fonts.Families(), ", "))
	}
	return f
}

// missingGlyphs lists the characters of s that f has no glyph for, as
// U+XXXX codes, so a card with tofu boxes does not pass unnoticed.
func missingGlyphs(f *fonts.Font, s string) []string {
	var out []string
	seen := map[rune]bool{}
	for _, r := range s {
		if seen[r] || unicode.IsSpace(r) || unicode.IsControl(r) {
			continue
		}
		seen[r] = true
		if !f.HasGlyph(r) {
			out = append(out, fmt.Sprintf("U+%04X %q", r, r))
		}
	}
	return out
}

func (st *renderState) warnMissing(l *layer, f *fonts.Font, s string) {
	if missing := missingGlyphs(f, s); len(missing) > 0 {
		st.info.Warnings = append(st.info.Warnings,
			fmt.Sprintf("missing glyphs in layer %s (font %s): %s", l.name, f, strings.Join(missing, ", ")))
	}
}
