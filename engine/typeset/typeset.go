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
	// Runs, when given, make the text a rich paragraph: each run is a
	// stretch of it in its own font, size and letter spacing (Font and
	// LetterSpacing above are then unused). Their lengths add up to the
	// text's. The runs wrap together as one paragraph; auto-fit scales
	// every run's size together.
	Runs []Run
}

// Run is a stretch of a rich paragraph set in one style.
type Run struct {
	Len           int // bytes of the text it covers
	Font          Measurer
	Scale         float64 // its font size as a multiple of Params.Size
	LetterSpacing float64 // pixels after each of its grapheme clusters but a paragraph's last
}

// Block is text set into lines.
type Block struct {
	Lines      []Line
	Size       float64 // the font size used, after auto-fit
	LineHeight float64 // distance between baselines, in pixels
	Truncated  bool    // text was cut and an ellipsis added
	// Largest is the largest font size on the block, in pixels: Size for
	// plain text; for a rich paragraph, its largest run's, which sets the
	// line height.
	Largest float64

	text string // the normalized text, and its runs: for Pieces
	runs []Run
}

// Height is the height of the block's line boxes.
func (b Block) Height() float64 { return float64(len(b.Lines)) * b.LineHeight }

// Line is one line of a block.
type Line struct {
	Text  string
	Width float64 // in pixels, letter spacing included
	Start int     // byte offset of Text in the normalized text
}

// Ellipsis ends a truncated line.
const Ellipsis = "…"

// Layout sets text according to p.
func Layout(text string, p Params) (Block, error) {
	if p.LineHeight <= 0 {
		p.LineHeight = 1.2
	}
	if p.Runs != nil {
		text, p.Runs = normalizeRuns(text, p.Runs)
	} else {
		text = normalize(text)
	}
	s := newSetter(text, p)
	if text == "" {
		return Block{Size: p.Size, LineHeight: s.pitch(p.Size), Largest: p.Size * s.scale}, nil
	}
	if err := s.measureSegments(); err != nil {
		return Block{}, err
	}
	size := s.fitSize()
	lines, overflow := s.wrap(size)
	limit := s.lineLimit(size)
	block := Block{Size: size, LineHeight: s.pitch(size), Largest: size * s.scale, text: text, runs: p.Runs}
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
		block.Lines = append(block.Lines, Line{Text: l.text, Width: w, Start: l.start})
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

// extent is a measured width: em scales with the font size, px (letter
// spacing) does not.
type extent struct{ em, px float64 }

// at is the width in pixels at a font size.
func (e extent) at(size float64) float64 { return e.em*size + e.px }

// segment is the text between two line-break opportunities.
type segment struct {
	start     int    // byte offset in the text
	text      string // with its trailing spaces
	width     extent // trailing spaces excluded
	full      extent // trailing spaces included
	trailLS   float64
	mustBreak bool // a hard line break follows
}

// lineRef is a line as the wrapper builds it: a stretch of the text
// (plus an ellipsis, once ellipsized) and where it starts.
type lineRef struct {
	start int
	text  string
}

type setter struct {
	text  string
	p     Params
	scale float64 // the largest run's Scale: 1 for plain text
	segs  []segment
	cache map[string]float64 // plain text: em by string
	rich  *richMeasure       // rich paragraphs: nil for plain text
}

func newSetter(text string, p Params) *setter {
	s := &setter{text: text, p: p, scale: 1}
	if p.Runs != nil {
		s.rich = newRichMeasure(text, p.Runs)
		s.scale = s.rich.largestScale()
	} else {
		s.cache = map[string]float64{}
	}
	return s
}

// pitch is the distance between baselines at size.
func (s *setter) pitch(size float64) float64 { return size * s.scale * s.p.LineHeight }

// advance measures plain text in em, once per distinct string.
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

// measure is the width of str, which starts at byte start of the text
// (an ellipsized line ends in an ellipsis that is not in the text), with
// letter spacing between its clusters.
func (s *setter) measure(start int, str string) (extent, error) {
	if s.rich != nil {
		return s.rich.measure(start, str)
	}
	em, err := s.advance(str)
	if err != nil {
		return extent{}, err
	}
	return extent{em, float64(max(uniseg.GraphemeClusterCount(str)-1, 0)) * s.p.LetterSpacing}, nil
}

// trailLS is the letter spacing after the last cluster of the stretch
// of text that ends at byte end.
func (s *setter) trailLS(end int) float64 {
	if s.rich != nil {
		return s.rich.runAt(end - 1).LetterSpacing
	}
	return s.p.LetterSpacing
}

func (s *setter) measureSegments() error {
	state := -1
	rest := s.text
	for len(rest) > 0 {
		start := len(s.text) - len(rest)
		var seg string
		var mustBreak bool
		seg, rest, mustBreak, state = uniseg.FirstLineSegmentInString(rest, state)
		text := strings.TrimRight(seg, "\n")
		w, err := s.measure(start, strings.TrimRight(seg, " \n"))
		if err != nil {
			return err
		}
		full, err := s.measure(start, text)
		if err != nil {
			return err
		}
		s.segs = append(s.segs, segment{
			start: start, text: text, width: w, full: full, trailLS: s.trailLS(start + len(text)),
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

// width measures a finished line exactly, kerning across segments included.
func (s *setter) width(line lineRef, size float64) (float64, error) {
	e, err := s.measure(line.start, line.text)
	return e.at(size), err
}

// lineLimit is the number of lines allowed at size: MaxLines, and no more
// than fit MaxHeight, and at least one.
func (s *setter) lineLimit(size float64) int {
	limit := s.p.MaxLines
	if s.p.MaxHeight > 0 {
		byHeight := int(s.p.MaxHeight/s.pitch(size) + 1e-9)
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
