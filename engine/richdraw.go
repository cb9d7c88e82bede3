package engine

import (
	"image"
	"math"
	"slices"
	"strings"

	"github.com/ogcard/ogcard/engine/typeset"
	"github.com/ogcard/ogcard/fonts"
)

// Decoration geometry, as shares of the span's font size: close to the
// underline and strikeout metrics of the embedded Noto fonts.
const (
	underlineOffset = 0.10 // below the baseline
	strikeOffset    = 0.30 // above the baseline: through the middle of x-height letters
	ruleThickness   = 0.06
)

// richPlacement is where a rich block goes: the x of a line of width w,
// and the baseline of line i.
type richPlacement struct {
	lineX    func(w float64) float64
	baseline func(i int) float64
}

// richPaint collects what a rich block draws: glyph lines per run (each
// run has its own colour), icons and decoration rules.
type richPaint struct {
	glyphs [][]placedLine
	icons  []placedIcon
	rules  []placedRule
}

type placedIcon struct {
	run  int
	r    *iconRaster
	at   image.Point
	size image.Point
}

type placedRule struct {
	run int
	box rect
}

// paintRich draws a rich paragraph set into block: each line's pieces in
// their spans' fonts, sizes and colours (base where a span has none),
// icons on the baseline, underlines and strike-throughs, and the layer's
// text shadow under all of it. Each line is ordered by the bidi algorithm
// as a whole, across span edges (see visualPieces).
func paintRich(st *renderState, l *layer, c content, block typeset.Block, base fill, box rect, sh *shadow, at richPlacement) error {
	warnMissingSpans(st, l, c)
	rtl := fonts.IsRTL(c.text)
	p := richPaint{glyphs: make([][]placedLine, len(c.spans))}
	for i, line := range block.Lines {
		x, y := at.lineX(line.Width), at.baseline(i)
		for _, vp := range visualPieces(block.Pieces(i), rtl) {
			next, err := p.place(c.spans[vp.Run], vp.Piece, block.Size, x, y, vp.rtl)
			if err != nil {
				return err
			}
			x = next
		}
	}
	p.draw(st, l, c, base, box, sh)
	return nil
}

// visualPiece is a piece of one span at one bidi level.
type visualPiece struct {
	typeset.Piece
	rtl bool
}

// visualPieces puts a line's pieces (in logical order) in the order they
// are drawn, left to right: the line's text is cut into segments of one
// bidi level (resolved over the whole line, so an Arabic name split over
// two spans, or two right-to-left spans in an English byline, run right
// to left together), each segment is cut again at span edges, and the
// pieces of a right-to-left segment go right to left. A line without
// right-to-left text keeps its pieces as they are.
func visualPieces(pieces []typeset.Piece, paragraphRTL bool) []visualPiece {
	var line strings.Builder
	starts := make([]int, len(pieces)+1)
	for i, pc := range pieces {
		starts[i] = line.Len()
		line.WriteString(pc.Text)
	}
	starts[len(pieces)] = line.Len()
	text := line.String()
	var out []visualPiece
	for _, seg := range fonts.VisualSegments(text, paragraphRTL) {
		first := len(out)
		for i, pc := range pieces {
			lo, hi := max(seg.Start, starts[i]), min(seg.End, starts[i+1])
			if lo < hi {
				out = append(out, visualPiece{typeset.Piece{Text: text[lo:hi], Run: pc.Run}, seg.RTL})
			}
		}
		if seg.RTL {
			slices.Reverse(out[first:])
		}
	}
	return out
}

// place sets one piece from x on baseline y and returns where the next
// piece starts.
func (p *richPaint) place(s *span, pc typeset.Piece, blockSize, x, y float64, rtl bool) (float64, error) {
	size := blockSize * s.scale
	start := x
	text := pc.Text
	if s.icon != nil {
		for strings.HasPrefix(text, iconChar) {
			w := s.icon.aspect * size
			px := image.Pt(int(math.Round(w)), int(math.Round(size)))
			if r := s.icon.raster(px.X, px.Y); r != nil {
				top := image.Pt(int(math.Round(x)), int(math.Round(y-iconAscent*size)))
				p.icons = append(p.icons, placedIcon{run: pc.Run, r: r, at: top, size: px})
			}
			text = strings.TrimPrefix(text, iconChar)
			x += w + s.letterSpacing
		}
		if text == "" {
			return x, nil
		}
	}
	font := s.font
	if s.icon != nil {
		font = s.icon.font // an ellipsis that ends on an icon
	}
	set, err := font.Line(text, size, s.letterSpacing, rtl)
	if err != nil {
		return x, err
	}
	p.glyphs[pc.Run] = append(p.glyphs[pc.Run], placedLine{set, x, y})
	x += set.Width
	if s.decoration != "" {
		p.rules = append(p.rules, placedRule{pc.Run, decorationBox(s.decoration, start, x, y, size)})
	}
	return x + s.letterSpacing, nil
}

// decorationBox is the rule under (underline) or through (line-through)
// text from x0 to x1 on baseline y.
func decorationBox(kind string, x0, x1, y, size float64) rect {
	thick := max(1, math.Round(size*ruleThickness))
	mid := y + size*underlineOffset
	if kind == "line-through" {
		mid = y - size*strikeOffset
	}
	return rect{X: x0, Y: math.Round(mid - thick/2), W: x1 - x0, H: thick}
}

// draw paints the shadow of all the text, then each run's glyphs,
// icons and rules in the run's ink.
func (p *richPaint) draw(st *renderState, l *layer, c content, base fill, box rect, sh *shadow) {
	if sh != nil {
		var all []placedLine
		for _, g := range p.glyphs {
			all = append(all, g...)
		}
		pad := int(math.Ceil(sh.blurRadius * 2))
		if area := pathBounds(all).Inset(-pad - 1); !area.Empty() {
			mask := coverage(all, area)
			sh.draw(st, mask, area, l.opacity)
			releaseMask(mask)
		}
	}
	inks := make([]*ink, len(c.spans))
	inkOf := func(run int) ink {
		if inks[run] == nil {
			f := base
			if s := c.spans[run]; s.color != nil {
				f = *s.color
			}
			k := f.resolve(st.vals, l.opacity, box)
			inks[run] = &k
		}
		return *inks[run]
	}
	for run, g := range p.glyphs {
		if area := pathBounds(g).Inset(-1); !area.Empty() {
			mask := coverage(g, area)
			inkOf(run).paint(st.dst, mask, area)
			releaseMask(mask)
		}
		drawBitmaps(st, g, l.opacity)
	}
	for _, ic := range p.icons {
		area := image.Rectangle{Min: ic.at, Max: ic.at.Add(ic.size)}
		if c.spans[ic.run].color != nil {
			inkOf(ic.run).paint(st.dst, ic.r.mask, area)
		} else {
			compositeAt(st.dst, ic.at, ic.r.img, l.opacity)
		}
	}
	for _, r := range p.rules {
		fillShape(st, roundedBox{box: r.box}, inkOf(r.run))
	}
}

// warnMissingSpans checks each text span's text against its own fonts.
func warnMissingSpans(st *renderState, l *layer, c content) {
	at := 0
	for k, r := range c.runs {
		if s := c.spans[k]; s.text != nil {
			st.warnMissing(l, s.font, c.text[at:at+r.Len])
		}
		at += r.Len
	}
}
