package fonts

import (
	"bytes"
	"fmt"
	"sync"

	gotext "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/go-text/typesetting/language"
	"github.com/tdewolff/canvas"
	"github.com/tdewolff/font"
)

// Font is one static face of a family (say Noto Sans Bold), ready to shape
// text and produce glyph outlines. It is safe for concurrent use.
type Font struct {
	Family string
	Weight int  // CSS weight, 100 to 900
	Italic bool // true for italic and oblique faces

	mu     sync.Mutex // guards shaper, outlines and sfnt's glyph reads
	sfnt   *font.SFNT // outlines and metrics
	shaper *shaper
	lazy   *lazySource // for a system font parsed on first use, else nil

	outlines map[uint16]*canvas.Path // glyph outlines in font units, guarded by mu

	unitsPerEm float64
	ascent     float64 // above the baseline, in em
	descent    float64 // below the baseline, positive, in em
}

// shaper is HarfBuzz (go-text's port) on the font, with one buffer kept
// for every run: HarfBuzz caches its shape plans (the compiled GSUB and
// GPOS lookups for a script and direction) in the buffer, so a buffer per
// call, as canvas's own shaper makes, compiles a plan for every word.
type shaper struct {
	font  *harfbuzz.Font
	buf   *harfbuzz.Buffer
	runes []rune
}

// glyph is a shaped glyph: its outline id and its position, in em.
type glyph struct {
	id             uint16
	xAdvance, xOff float64
	yOff           float64
}

// newFont parses a font file (TrueType or OpenType, or the first face of
// a collection) twice over: tdewolff/font for outlines and metrics,
// go-text for shaping. Both read the same bytes; canvas.LoadFont would
// write a third copy of the file for its own shaper.
func newFont(data []byte) (*Font, error) {
	sfnt, err := font.ParseSFNT(data, 0)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	upem := float64(sfnt.Head.UnitsPerEm)
	if upem <= 0 {
		return nil, fmt.Errorf("parse font: unitsPerEm is %v", upem)
	}
	sh, err := newShaper(data)
	if err != nil {
		return nil, fmt.Errorf("parse font for shaping: %w", err)
	}
	asc, desc, _ := sfnt.VerticalMetrics()
	f := &Font{
		Family:     familyName(sfnt),
		Weight:     int(sfnt.OS2.UsWeightClass),
		Italic:     sfnt.OS2.FsSelection&0x01 != 0 || sfnt.Head.MacStyle[1],
		sfnt:       sfnt,
		shaper:     sh,
		unitsPerEm: upem,
		ascent:     float64(asc) / upem,
		descent:    float64(desc) / upem,
	}
	if f.Weight == 0 {
		f.Weight = 400
	}
	return f, nil
}

// newShaper loads the first face of data for HarfBuzz. Its positions come
// back in font units: no size is set, as no hinting is used.
func newShaper(data []byte) (*shaper, error) {
	loaders, err := opentype.NewLoaders(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if len(loaders) == 0 {
		return nil, fmt.Errorf("no font in the file")
	}
	ft, err := gotext.NewFont(loaders[0])
	if err != nil {
		return nil, err
	}
	return &shaper{font: harfbuzz.NewFont(gotext.NewFace(ft)), buf: harfbuzz.NewBuffer()}, nil
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
	return f.sfnt.GlyphIndex(r) != 0
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

// appendGlyphs shapes one run and places its glyph outlines on line,
// starting at pen position x; it returns the pen position after the run.
func (f *Font) appendGlyphs(line *Line, r run, x, size, letterSpacing float64) (float64, error) {
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
		if o := f.outline(g.id); !o.Empty() { // a space has no outline
			line.Glyphs = append(line.Glyphs, Outline{Path: o, X: x + g.xOff*size, Y: g.yOff * size, Scale: scale})
		}
		x += g.xAdvance * size
	}
	return x, nil
}

// maxOutlines bounds a font's outline cache: Latin text uses about a
// hundred glyphs of a face, and a CJK face tens of thousands, so the cache
// starts over rather than keeping them all.
const maxOutlines = 1024

// outline is glyph id's outline in font units, parsed from the glyf (or
// CFF) table once and kept: the same letters come back in every card.
// The caller holds f.mu.
func (f *Font) outline(id uint16) *canvas.Path {
	if o, ok := f.outlines[id]; ok {
		return o
	}
	if f.outlines == nil || len(f.outlines) >= maxOutlines {
		f.outlines = make(map[uint16]*canvas.Path)
	}
	o := &canvas.Path{}
	_ = f.sfnt.GlyphPath(o, id, 0, 0, 0, 1, font.NoHinting) // a glyph that fails to parse draws nothing
	f.outlines[id] = o
	return o
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
			f.shaper.buf = harfbuzz.NewBuffer() // the next run starts from a clean buffer
		}
	}()
	return f.shaper.shape(s, rtl, script, f.unitsPerEm), nil
}

// shape runs HarfBuzz on s as canvas's shaper did (monotone character
// clusters; the script, when not given, and the language guessed from the
// text and the locale) and converts the positions to em.
func (sh *shaper) shape(s string, rtl bool, script language.Script, upem float64) []glyph {
	sh.runes = sh.runes[:0]
	for _, r := range s {
		sh.runes = append(sh.runes, r)
	}
	buf := sh.buf
	buf.Clear()
	buf.AddRunes(sh.runes, 0, -1)
	buf.ClusterLevel = harfbuzz.MonotoneCharacters
	buf.Props.Direction = harfbuzz.LeftToRight
	if rtl {
		buf.Props.Direction = harfbuzz.RightToLeft
	}
	if script != language.Common {
		buf.Props.Script = script
	}
	buf.GuessSegmentProperties()
	buf.Shape(sh.font, nil)
	glyphs := make([]glyph, len(buf.Info))
	for i, info := range buf.Info {
		pos := buf.Pos[i]
		glyphs[i] = glyph{
			id:       uint16(info.Glyph),
			xAdvance: float64(pos.XAdvance) / upem,
			xOff:     float64(pos.XOffset) / upem,
			yOff:     float64(pos.YOffset) / upem,
		}
	}
	return glyphs
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
