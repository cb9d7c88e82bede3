package typeset

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Measurer measures shaped text in em (multiply by the font size to get pixels).
type Measurer interface {
	Advance(s string) (float64, error)
}

// Params says how to set one block of text.
type Params struct {
	Font          Measurer
	Size          float64 // font size in pixels
	MinSize       float64 // auto-fit floor in pixels; 0 or >= Size turns auto-fit off
	LineHeight    float64 // multiple of the size; 0 means 1.2
	LetterSpacing float64 // pixels added between grapheme clusters
	MaxWidth      float64 // box width in pixels; 0 means no wrapping
	MaxHeight     float64 // box height in pixels; 0 means unbounded
	MaxLines      int     // 0 means as many as MaxHeight allows
}

// Block is text set into lines.
type Block struct {
	Lines      []Line
	Size       float64 // the font size used, after auto-fit
	LineHeight float64 // distance between baselines, in pixels
	Truncated  bool    // text was cut and an ellipsis added
}

// Height is the height of the block's line boxes.
func (b Block) Height() float64 { return float64(len(b.Lines)) * b.LineHeight }

// Line is one line of a block.
type Line struct {
	Text  string
	Width float64 // in pixels, letter spacing included
}

// Ellipsis ends a truncated line.
const Ellipsis = "…"

// Layout sets text according to p.
func Layout(text string, p Params) (Block, error) {
	if p.LineHeight <= 0 {
		p.LineHeight = 1.2
	}
	text = normalize(text)
	if text == "" {
		return Block{Size: p.Size, LineHeight: p.Size * p.LineHeight}, nil
	}
	s := newSetter(text, p)
	if err := s.measureSegments(); err != nil {
		return Block{}, err
	}
	size := s.fitSize()
	lines, overflow := s.wrap(size)
	limit := s.lineLimit(size)
	block := Block{Size: size, LineHeight: size * p.LineHeight}
	if overflow {
		lines = lines[:limit]
		last, err := s.ellipsize(lines[limit-1], size)
		if err != nil {
			return Block{}, err
		}
		lines[limit-1] = last
		block.Truncated = true
	}
	for _, l := range lines {
		w, err := s.width(l, size)
		if err != nil {
			return Block{}, err
		}
		block.Lines = append(block.Lines, Line{Text: l, Width: w})
	}
	return block, nil
}

// normalize collapses runs of spaces and tabs to one space and trims each
// line, as a browser does with white-space: normal, but keeps line feeds as
// hard breaks. Spaces of other widths (en, em, thin, hair, narrow no-break,
// ideographic: U+2002–U+200A, U+202F, U+205F, U+3000) are typography the
// writer chose, and stay, as they do in a browser.
func normalize(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	paras := strings.Split(text, "\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.FieldsFunc(p, collapsible), " ")
	}
	return strings.TrimFunc(strings.Join(paras, "\n"), collapsible)
}

// collapsible is white space that collapses to one ordinary space: ASCII
// spaces and controls, and the line and paragraph separators.
func collapsible(r rune) bool {
	return r < 0x80 && unicode.IsSpace(r) || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

// segment is the text between two line-break opportunities.
type segment struct {
	text      string  // with its trailing spaces
	width     float64 // in em, trailing spaces excluded
	full      float64 // in em, trailing spaces included
	clusters  int     // grapheme clusters, trailing spaces excluded
	allSpaces int     // grapheme clusters including trailing spaces
	mustBreak bool    // a hard line break follows
}

type setter struct {
	text  string
	p     Params
	segs  []segment
	cache map[string]float64
}

func newSetter(text string, p Params) *setter {
	return &setter{text: text, p: p, cache: map[string]float64{}}
}

// advance measures s in em, once per distinct string.
func (s *setter) advance(str string) (float64, error) {
	if w, ok := s.cache[str]; ok {
		return w, nil
	}
	w, err := s.p.Font.Advance(str)
	if err != nil {
		return 0, err
	}
	s.cache[str] = w
	return w, nil
}

func (s *setter) measureSegments() error {
	state := -1
	rest := s.text
	for len(rest) > 0 {
		var seg string
		var mustBreak bool
		seg, rest, mustBreak, state = uniseg.FirstLineSegmentInString(rest, state)
		trimmed := strings.TrimRight(seg, " \n")
		w, err := s.advance(trimmed)
		if err != nil {
			return err
		}
		full, err := s.advance(strings.TrimRight(seg, "\n"))
		if err != nil {
			return err
		}
		s.segs = append(s.segs, segment{
			text: strings.TrimRight(seg, "\n"), width: w, full: full,
			clusters:  uniseg.GraphemeClusterCount(trimmed),
			allSpaces: uniseg.GraphemeClusterCount(strings.TrimRight(seg, "\n")),
			mustBreak: mustBreak && len(rest) > 0 && endsInHardBreak(seg),
		})
	}
	return nil
}

// endsInHardBreak reports whether a segment ends in a mandatory line
// break. uniseg v0.4.7 also flags the end of an emoji with a skin tone
// (👍🏽) as mandatory, which would put every such emoji on a line of its
// own, so its flag is only trusted when a line break character is there.
func endsInHardBreak(seg string) bool {
	r, _ := utf8.DecodeLastRuneInString(seg)
	return strings.ContainsRune("\n\r\v\f\u0085\u2028\u2029", r)
}

// px converts a width in em plus n clusters of letter spacing to pixels.
func (s *setter) px(em float64, clusters int, size float64) float64 {
	return em*size + float64(max(clusters-1, 0))*s.p.LetterSpacing
}

// width measures a finished line exactly, kerning across segments included.
func (s *setter) width(line string, size float64) (float64, error) {
	em, err := s.advance(line)
	if err != nil {
		return 0, err
	}
	return s.px(em, uniseg.GraphemeClusterCount(line), size), nil
}

// lineLimit is the number of lines allowed at size: MaxLines, and no more
// than fit MaxHeight, and at least one.
func (s *setter) lineLimit(size float64) int {
	limit := s.p.MaxLines
	if s.p.MaxHeight > 0 {
		byHeight := int(s.p.MaxHeight/(size*s.p.LineHeight) + 1e-9)
		if limit == 0 || byHeight < limit {
			limit = byHeight
		}
	}
	if limit <= 0 {
		limit = 1
		if s.p.MaxLines == 0 && s.p.MaxHeight == 0 {
			limit = int(^uint(0) >> 1)
		}
	}
	return limit
}
