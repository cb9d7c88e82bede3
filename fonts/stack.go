package fonts

import (
	"fmt"
	"image"
	"unicode"

	"github.com/go-text/typesetting/language"
	"github.com/rivo/uniseg"
	"github.com/tdewolff/canvas"
)

// Stack is the fonts tried, in order, for each character of a text: the
// requested face first, then the fallbacks for other scripts at the
// nearest weight and style, then colour emoji. tdewolff/canvas has no
// fallback across families, so ogcard splits text into runs, one font
// each, and shapes the runs apart. A Stack is safe for concurrent use.
type Stack struct {
	fonts []*Font
	emoji EmojiFont // nil when no colour emoji font was found
}

// EmojiFont draws colour emoji; package fonts/emoji implements it for
// Noto Color Emoji.
type EmojiFont interface {
	// IsEmoji reports whether a grapheme cluster is drawn as a colour emoji.
	IsEmoji(cluster string) bool
	// Shape shapes a run of emoji clusters: advances in em.
	Shape(s string) ([]EmojiGlyph, error)
	// Image is a glyph's bitmap at a font size in pixels, and the offset
	// of its top-left corner from the pen position on the baseline.
	Image(id uint16, sizePx float64) (*image.RGBA, image.Point, error)
}

// EmojiGlyph is one shaped emoji.
type EmojiGlyph struct {
	ID      uint16
	Advance float64 // in em
}

// Ascent is the primary face's ascent, as a fraction of the font size.
func (s *Stack) Ascent() float64 { return s.fonts[0].Ascent() }

// Descent is the primary face's descent, as a fraction of the font size.
func (s *Stack) Descent() float64 { return s.fonts[0].Descent() }

// String names the primary face.
func (s *Stack) String() string { return s.fonts[0].String() }

// run is a piece of text set in one font (or as emoji) in one direction.
type run struct {
	text   string
	font   *Font // nil for emoji
	script language.Script
	rtl    bool
}

// visualRuns splits a line into runs in the order they are drawn, left to
// right: bidi runs in visual order, each split by font.
func (s *Stack) visualRuns(line string, rtl bool) []run {
	var out []run
	for _, br := range bidiRuns(line, rtl) {
		fr := s.fontRuns(br.text, br.rtl)
		if br.rtl {
			for i, j := 0, len(fr)-1; i < j; i, j = i+1, j-1 {
				fr[i], fr[j] = fr[j], fr[i]
			}
		}
		out = append(out, fr...)
	}
	return out
}

// fontRuns splits text (one direction) into runs of one font, in logical
// order. Spaces, digits and punctuation stay in the run they are in, so a
// line of Arabic keeps its own spacing.
func (s *Stack) fontRuns(text string, rtl bool) []run {
	var runs []run
	state := -1
	for rest := text; rest != ""; {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		var prev *Font
		if n := len(runs); n > 0 && runs[n-1].script != language.Common {
			prev = runs[n-1].font
		}
		font, isEmoji := s.pick(cluster, prev)
		script := clusterScript(cluster)
		if n := len(runs); n > 0 && runs[n-1].font == font && (font != nil || isEmoji) {
			runs[n-1].text += cluster
			if runs[n-1].script == language.Common {
				runs[n-1].script = script
			}
			continue
		}
		runs = append(runs, run{text: cluster, font: font, script: script, rtl: rtl})
	}
	return runs
}

// pick chooses the font for one grapheme cluster: emoji, else the font of
// the current script run (prev, nil when the run has no script yet or is
// made of symbols) for script-neutral characters it has, else the first
// font of the stack that has the cluster's base character, whatever its
// script, else the primary face (which draws its missing-glyph box;
// Missing reports it). So the comma after an Arabic word stays Arabic,
// and the comma after a ★ goes back to the requested face.
func (s *Stack) pick(cluster string, prev *Font) (*Font, bool) {
	if s.emoji != nil && s.emoji.IsEmoji(cluster) {
		return nil, true
	}
	base := []rune(cluster)[0]
	if prev != nil && !language.LookupScript(base).Strong() && prev.HasGlyph(base) {
		return prev, false
	}
	for _, f := range s.fonts {
		if f.HasGlyph(base) {
			return f, false
		}
	}
	return s.fonts[0], false
}

// clusterScript is the script of the first strong character, or Common.
func clusterScript(cluster string) language.Script {
	for _, r := range cluster {
		if sc := language.LookupScript(r); sc.Strong() {
			return sc
		}
	}
	return language.Common
}

// Advance returns the width of text in em (at a font size of 1 px),
// across all the fonts it needs. It implements typeset.Measurer.
func (s *Stack) Advance(text string) (float64, error) {
	w := 0.0
	for _, r := range s.visualRuns(text, IsRTL(text)) {
		adv, err := s.runAdvance(r)
		if err != nil {
			return 0, err
		}
		w += adv
	}
	return w, nil
}

func (s *Stack) runAdvance(r run) (float64, error) {
	if r.font == nil {
		glyphs, err := s.emoji.Shape(r.text)
		w := 0.0
		for _, g := range glyphs {
			w += g.Advance
		}
		return w, err
	}
	glyphs, err := r.font.shapeRun(r.text, r.rtl, r.script)
	w := 0.0
	for _, g := range glyphs {
		w += g.xAdvance
	}
	return w, err
}

// Bitmap is a colour glyph placed on a line, relative to the line's start
// on the baseline (y down).
type Bitmap struct {
	Img *image.RGBA
	At  image.Point
}

// Line is a line of text ready to draw: the outline of every glyph, the
// colour emoji bitmaps, and its advance width in pixels.
type Line struct {
	Glyphs  []Outline
	Bitmaps []Bitmap
	Width   float64
}

// Outline is one glyph placed on a line: its outline, in font units (y up,
// shared between lines and read only), drawn scaled by Scale with its
// origin at X, Y, relative to the line's start on the baseline (y up).
type Outline struct {
	Path        *canvas.Path
	X, Y, Scale float64
}

// Bounds is the box around the line's glyph outlines, relative to its
// start on the baseline (y up), and false for a line with none.
func (l *Line) Bounds() (canvas.Rect, bool) {
	var r canvas.Rect
	found := false
	for _, g := range l.Glyphs {
		if g.Path.Empty() {
			continue
		}
		b := g.Path.FastBounds()
		b = canvas.Rect{X0: g.X + g.Scale*b.X0, Y0: g.Y + g.Scale*b.Y0, X1: g.X + g.Scale*b.X1, Y1: g.Y + g.Scale*b.Y1}
		if !found {
			r, found = b, true
			continue
		}
		r = r.Add(b)
	}
	return r, found
}

// Line sets text at size pixels, in its visual order for a paragraph of
// direction rtl, with letterSpacing pixels between glyphs (not inside
// joined scripts such as Arabic, where spacing would break the joins).
func (s *Stack) Line(text string, size, letterSpacing float64, rtl bool) (*Line, error) {
	line := &Line{}
	x := 0.0
	for i, r := range s.visualRuns(text, rtl) {
		if i > 0 {
			x += letterSpacing
		}
		var err error
		if r.font == nil {
			x, err = s.emojiRun(line, r, x, size, letterSpacing)
		} else {
			ls := letterSpacing
			if r.script == language.Arabic || r.script == language.Syriac || r.script == language.Mongolian {
				ls = 0
			}
			x, err = r.font.appendGlyphs(line, r, x, size, ls)
		}
		if err != nil {
			return nil, err
		}
	}
	line.Width = x
	return line, nil
}

func (s *Stack) emojiRun(line *Line, r run, x, size, letterSpacing float64) (float64, error) {
	glyphs, err := s.emoji.Shape(r.text)
	if err != nil {
		return x, err
	}
	for i, g := range glyphs {
		if i > 0 {
			x += letterSpacing
		}
		img, off, err := s.emoji.Image(g.ID, size)
		if err != nil {
			return x, fmt.Errorf("emoji glyph %d: %w", g.ID, err)
		}
		if img != nil {
			line.Bitmaps = append(line.Bitmaps, Bitmap{Img: img, At: image.Pt(int(x+0.5)+off.X, off.Y)})
		}
		x += g.Advance * size
	}
	return x, nil
}

// Missing lists the characters of text that no font of the stack (nor the
// emoji font) can draw.
func (s *Stack) Missing(text string) []rune {
	var out []rune
	seen := map[rune]bool{}
	state := -1
	for rest := text; rest != ""; {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if s.emoji != nil && s.emoji.IsEmoji(cluster) {
			continue
		}
		for _, r := range cluster {
			if seen[r] || ignorable(r) {
				continue
			}
			seen[r] = true
			if !s.has(r) {
				out = append(out, r)
			}
		}
	}
	return out
}

func (s *Stack) has(r rune) bool {
	for _, f := range s.fonts {
		if f.HasGlyph(r) {
			return true
		}
	}
	return false
}

// ignorable characters draw nothing of their own: spaces, controls,
// joiners and variation selectors.
func ignorable(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Variation_Selector, r) ||
		r == '\u200c' || r == '\u200d' || unicode.In(r, unicode.Cf)
}
