package fonts

import (
	"fmt"
	"sync"

	"github.com/go-text/typesetting/language"
	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/text"
	"github.com/tdewolff/font"
)

// Font is one static face of a family (say Noto Sans Bold), ready to shape
// text and produce glyph outlines. It is safe for concurrent use.
type Font struct {
	Family string
	Weight int  // CSS weight, 100 to 900
	Italic bool // true for italic and oblique faces

	mu   sync.Mutex // guards face: the shaper's glyph cache is not thread-safe
	face *canvas.FontFace
	lazy *lazySource // for a system font parsed on first use, else nil

	unitsPerEm float64
	ascent     float64 // above the baseline, in em
	descent    float64 // below the baseline, positive, in em
}

// glyph is a shaped glyph: its outline id and its position, in em.
type glyph struct {
	id             uint16
	xAdvance, xOff float64
	yOff           float64
}

func newFont(data []byte) (*Font, error) {
	cf, err := canvas.LoadFont(data, 0, canvas.FontRegular)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	upem := float64(cf.Head.UnitsPerEm)
	if upem <= 0 {
		return nil, fmt.Errorf("parse font: unitsPerEm is %v", upem)
	}
	asc, desc, _ := cf.VerticalMetrics()
	f := &Font{
		Family:     familyName(cf.SFNT),
		Weight:     int(cf.OS2.UsWeightClass),
		Italic:     cf.OS2.FsSelection&0x01 != 0 || cf.Head.MacStyle[1],
		unitsPerEm: upem,
		ascent:     float64(asc) / upem,
		descent:    float64(desc) / upem,
	}
	if f.Weight == 0 {
		f.Weight = 400
	}
	// The face's size only matters for hinting, which we do not use: advances
	// come back in font units and are scaled by the caller.
	f.face = cf.Face(upem, canvas.Black)
	f.face.Direction = text.LeftToRight // canvas panics on Arabic without a direction
	return f, nil
}

// familyName prefers the typographic family (name ID 16) over the legacy
// family (ID 1), which for RIBBI-incompatible weights carries the weight.
func familyName(sfnt *font.SFNT) string {
	for _, id := range []font.NameID{16, 1} {
		for _, rec := range sfnt.Name.Get(id) {
			if s := rec.String(); s != "" {
				return s
			}
		}
	}
	return "Unnamed"
}

// Ascent is the height above the baseline, as a fraction of the font size.
func (f *Font) Ascent() float64 { f.ensure(); return f.ascent }

// Descent is the depth below the baseline, positive, as a fraction of the font size.
func (f *Font) Descent() float64 { f.ensure(); return f.descent }

// HasGlyph reports whether the font maps r to a glyph. A system font is
// parsed here the first time it may have r.
func (f *Font) HasGlyph(r rune) bool {
	if f.lazy != nil && (!f.lazy.covers(r) || !f.ensure()) {
		return false
	}
	return f.face.Font.GlyphIndex(r) != 0
}

// String names the face, as in "Noto Sans 700 italic".
func (f *Font) String() string {
	s := fmt.Sprintf("%s %d", f.Family, f.Weight)
	if f.Italic {
		s += " italic"
	}
	return s
}

// Advance returns the shaped advance width of s, in em: multiply by the
// font size in pixels to get pixels. Letter spacing is not included.
func (f *Font) Advance(s string) (float64, error) {
	glyphs, err := f.shape(s)
	if err != nil {
		return 0, err
	}
	w := 0.0
	for _, g := range glyphs {
		w += g.xAdvance
	}
	return w, nil
}

// appendPath shapes one run and appends its glyph outlines to p, starting
// at pen position x; it returns the pen position after the run.
func (f *Font) appendPath(p *canvas.Path, r run, x, size, letterSpacing float64) (float64, error) {
	glyphs, err := f.shapeRun(r.text, r.rtl, r.script)
	if err != nil {
		return x, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	scale := size / f.unitsPerEm
	for i, g := range glyphs {
		if i > 0 {
			x += letterSpacing
		}
		_ = f.face.Font.GlyphPath(p, g.id, 0, x+g.xOff*size, g.yOff*size, scale, font.NoHinting)
		x += g.xAdvance * size
	}
	return x, nil
}

// shape shapes s left to right, as Latin-like text.
func (f *Font) shape(s string) ([]glyph, error) {
	return f.shapeRun(s, false, language.Common)
}

// shapeRun runs the shaper under the font's lock and converts the result
// to em units; glyphs come in visual order (reversed for right to left).
// A panic inside the shaper becomes an error: a headline must never take
// the process down.
func (f *Font) shapeRun(s string, rtl bool, script language.Script) (glyphs []glyph, err error) {
	if !f.ensure() {
		return nil, fmt.Errorf("font %s: %w", f, f.lazy.err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			glyphs, err = nil, fmt.Errorf("shape %q with %s: %v", truncate(s, 40), f, r)
		}
	}()
	face := *f.face // per-call direction and script; the shaper is shared
	face.Direction = text.LeftToRight
	if rtl {
		face.Direction = text.RightToLeft
	}
	if script != language.Common {
		face.Script = text.Script(script)
	}
	raw := face.Glyphs(s)
	glyphs = make([]glyph, len(raw))
	for i, g := range raw {
		glyphs[i] = glyph{
			id:       g.ID,
			xAdvance: float64(g.XAdvance) / f.unitsPerEm,
			xOff:     float64(g.XOffset) / f.unitsPerEm,
			yOff:     float64(g.YOffset) / f.unitsPerEm,
		}
	}
	return glyphs, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
