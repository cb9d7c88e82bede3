package typeset

import (
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
)

// wrap breaks the text into lines at size. overflow reports more lines
// than the limit allows.
func (s *setter) wrap(size float64) (lines []lineRef, overflow bool) {
	lines, _ = s.wrapBroke(size)
	return lines, len(lines) > s.lineLimit(size)
}

// wrapBroke is wrap, and also reports a word broken between clusters
// because it was wider than the box on its own.
func (s *setter) wrapBroke(size float64) (lines []lineRef, broke bool) {
	maxW := s.p.MaxWidth
	var cur strings.Builder
	curStart := 0
	curW := 0.0     // width of cur including its trailing spaces, in px
	curTrail := 0.0 // letter spacing after cur's last cluster
	flush := func() {
		lines = append(lines, lineRef{curStart, strings.TrimRight(cur.String(), " ")})
		cur.Reset()
		curW = 0
	}
	for _, seg := range s.segs {
		segW := seg.width.at(size)
		gap := 0.0
		if cur.Len() > 0 {
			gap = curTrail
		}
		if cur.Len() > 0 && maxW > 0 && curW+gap+segW > maxW+0.01 {
			flush()
			gap = 0
		}
		if cur.Len() == 0 {
			curStart = seg.start
		}
		if maxW > 0 && cur.Len() == 0 && segW > maxW+0.01 {
			// A word wider than the box: break it between clusters.
			pieces := s.breakWord(seg.start, seg.text, size)
			lines = append(lines, pieces[:len(pieces)-1]...)
			// Thai, Lao, Khmer and Myanmar write words without spaces, so
			// breaking between clusters is how they wrap, not a failure
			// to fit.
			broke = broke || !noSpaceScript(seg.text)
			// The last piece starts the next line, with the word's
			// trailing space so the following word stays apart.
			last := pieces[len(pieces)-1]
			last.text += seg.text[len(strings.TrimRight(seg.text, " ")):]
			cur.WriteString(last.text)
			curStart = last.start
			e, _ := s.measure(last.start, last.text)
			curW = e.at(size)
		} else {
			cur.WriteString(seg.text)
			curW += gap + seg.full.at(size)
		}
		curTrail = seg.trailLS
		if seg.mustBreak {
			flush()
		}
	}
	if cur.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines, broke
}

// breakWord splits a word (at byte start of the text) wider than the box
// into pieces that fit, each at least one grapheme cluster so that even a
// very narrow box progresses.
func (s *setter) breakWord(start int, word string, size float64) []lineRef {
	word = strings.TrimRight(word, " ")
	var pieces []lineRef
	pieceStart, pieceEnd := 0, 0 // the piece being built: word[pieceStart:pieceEnd]
	state := -1
	rest := word
	for len(rest) > 0 {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if pieceEnd > pieceStart && !s.fits(start+pieceStart, word[pieceStart:pieceEnd+len(cluster)], size) {
			pieces = append(pieces, lineRef{start + pieceStart, word[pieceStart:pieceEnd]})
			pieceStart = pieceEnd
		}
		pieceEnd += len(cluster)
	}
	return append(pieces, lineRef{start + pieceStart, word[pieceStart:pieceEnd]})
}

func (s *setter) fits(start int, str string, size float64) bool {
	e, err := s.measure(start, str)
	if err != nil {
		return true // the error surfaces when the line is measured
	}
	return e.at(size) <= s.p.MaxWidth+0.01
}

// fitSize returns the largest size from Size down to MinSize, in steps of
// one pixel, at which the text fits within the line limit without breaking
// inside a word. When nothing fits, it returns MinSize (and the caller
// ellipsizes).
func (s *setter) fitSize() float64 {
	if s.p.MinSize <= 0 || s.p.MinSize >= s.p.Size {
		return s.p.Size
	}
	for size := s.p.Size; size > s.p.MinSize; size-- {
		if s.fitsAt(size) {
			return size
		}
	}
	return s.p.MinSize
}

func (s *setter) fitsAt(size float64) bool {
	lines, broke := s.wrapBroke(size)
	return !broke && len(lines) <= s.lineLimit(size)
}

// ellipsize makes line end in an ellipsis within the box: it drops whole
// words from the end while more than one is left, then clusters, and never
// leaves dangling punctuation or spaces before the ellipsis.
func (s *setter) ellipsize(line lineRef, size float64) (lineRef, error) {
	for {
		candidate := lineRef{line.start, trimForEllipsis(line.text) + Ellipsis}
		w, err := s.width(candidate, size)
		if err != nil {
			return lineRef{}, err
		}
		if s.p.MaxWidth <= 0 || w <= s.p.MaxWidth+0.01 || line.text == "" {
			return candidate, nil
		}
		line.text = dropLast(line.text)
	}
}

// dropLast removes the last word, or the last cluster of a single word.
func dropLast(line string) string {
	line = strings.TrimRight(line, " ")
	if i := strings.LastIndexByte(line, ' '); i > 0 {
		return line[:i]
	}
	n := uniseg.GraphemeClusterCount(line)
	if n <= 1 {
		return ""
	}
	var b strings.Builder
	state := -1
	for i := 0; i < n-1; i++ {
		var c string
		c, line, _, state = uniseg.FirstGraphemeClusterInString(line, state)
		b.WriteString(c)
	}
	return b.String()
}

// noSpaceScript reports whether a word is written in a script that does
// not separate words with spaces (UAX #14's class SA).
func noSpaceScript(word string) bool {
	for _, r := range word {
		if unicode.In(r, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) {
			return true
		}
	}
	return false
}

func trimForEllipsis(line string) string {
	return strings.TrimRightFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r)
	})
}
