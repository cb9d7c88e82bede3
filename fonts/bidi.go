package fonts

import (
	"slices"
	"strings"

	"github.com/benoitkugler/textprocessing/fribidi"
)

// The Unicode bidirectional algorithm (UAX #9) comes from the Go port of
// GNU FriBidi, which passes every case of BidiCharacterTest.txt and
// BidiTest.txt (bidi_conformance_test.go runs them). It replaced rule L2
// written by hand on top of golang.org/x/text/unicode/bidi (v0.43.0), which
// ran runs in the wrong order around numbers with terminators ("999$")
// inside right-to-left text and got the visual order of 30,462 of the 91,699
// cases of BidiCharacterTest.txt wrong.

// IsRTL reports whether text's paragraph direction is right to left: its
// first strong character outside isolates is (UAX #9 rules P2 and P3).
func IsRTL(text string) bool {
	if isASCII(text) {
		return false // its first strong character, if any, is a Latin letter
	}
	runes := []rune(text)
	dir := fribidi.ParType(fribidi.ON) // ask for the direction to be resolved
	fribidi.GetParEmbeddingLevels(bidiTypes(runes), nil, &dir)
	return dir == fribidi.RTL
}

// bidiRuns resolves embedding levels for one line of a paragraph of
// direction rtl and returns the line cut into runs of one level each, in
// visual order, left to right. A run's text stays in logical order (the
// shaper reverses right-to-left runs itself).
func bidiRuns(line string, rtl bool) []run {
	if !rtl && isASCII(line) {
		return []run{{text: line}} // no right-to-left character: nothing to reorder
	}
	runes := []rune(line)
	types := bidiTypes(runes)
	if !rtl && !anyRTL(types) {
		return []run{{text: line}} // the common case needs no reordering
	}
	base := fribidi.ParType(fribidi.LTR)
	if rtl {
		base = fribidi.RTL
	}
	levels, visual := reorderLine(types, bracketTypes(runes, types), &base)
	return splitVisual(runes, levels, visual)
}

// reorderLine resolves the embedding levels of one line that is a whole
// paragraph (rules P to L1) and its visual order (L2): visual[i] is the
// logical index of the character drawn at position i. base is the
// paragraph direction asked for (LTR, RTL, or ON to resolve it) and comes
// back resolved.
func reorderLine(types []fribidi.CharType, brackets []fribidi.BracketType, base *fribidi.ParType) (levels []fribidi.Level, visual []int) {
	levels, _ = fribidi.GetParEmbeddingLevels(types, brackets, base)
	visual = make([]int, len(types))
	for i := range visual {
		visual[i] = i
	}
	fribidi.ReorderLine(0, types, len(types), 0, *base, levels, nil, visual)
	return levels, visual
}

// splitVisual cuts the visual order into runs: a run ends where the level
// changes or where the next character in visual order is not the logical
// neighbour of the previous one.
func splitVisual(runes []rune, levels []fribidi.Level, visual []int) []run {
	var runs []run
	for _, s := range levelRanges(levels, visual) {
		runs = append(runs, run{text: string(runes[s.Start:s.End]), rtl: s.RTL})
	}
	return runs
}

// levelRanges is splitVisual's cut as rune index ranges [Start, End).
func levelRanges(levels []fribidi.Level, visual []int) []Segment {
	var out []Segment
	start := 0
	for i := 1; i <= len(visual); i++ {
		if i < len(visual) && levels[visual[i]] == levels[visual[start]] && adjacent(visual[i-1], visual[i], levels[visual[i]]) {
			continue
		}
		lo, hi := visual[start], visual[i-1]
		if lo > hi {
			lo, hi = hi, lo
		}
		out = append(out, Segment{Start: lo, End: hi + 1, RTL: levels[visual[start]]%2 == 1})
		start = i
	}
	return out
}

// adjacent reports whether logical index b follows a in the visual order
// of a run at level: to its right in left-to-right runs, to its left in
// right-to-left ones.
func adjacent(a, b int, level fribidi.Level) bool {
	if level%2 == 1 {
		return b == a-1
	}
	return b == a+1
}

// isASCII reports whether s is all ASCII, which has no right-to-left
// character: the common case, answered without the bidi tables.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func bidiTypes(runes []rune) []fribidi.CharType {
	types := make([]fribidi.CharType, len(runes))
	for i, r := range runes {
		types[i] = fribidi.GetBidiType(r)
	}
	return types
}

// bracketTypes pairs brackets (UAX #9 rule N0); only neutral characters
// can be brackets.
func bracketTypes(runes []rune, types []fribidi.CharType) []fribidi.BracketType {
	out := make([]fribidi.BracketType, len(runes))
	for i, r := range runes {
		if types[i] == fribidi.ON {
			out[i] = fribidi.GetBracket(r)
		}
	}
	return out
}

// anyRTL reports whether a right-to-left letter, an Arabic number or an
// explicit right-to-left control is present.
func anyRTL(types []fribidi.CharType) bool {
	for _, t := range types {
		if t.IsRtl() || t == fribidi.AN {
			return true
		}
	}
	return false
}

// visualText is line's characters in the order they are drawn, left to
// right, for comparison with FriBidi's own output.
func visualText(line string, rtl bool) string {
	var b strings.Builder
	for _, r := range bidiRuns(line, rtl) {
		runes := []rune(r.text)
		if r.rtl {
			slices.Reverse(runes)
		}
		b.WriteString(string(runes))
	}
	return b.String()
}

// Segment is a stretch of one line at one embedding level: bytes
// [Start, End) of the line, in logical order, and whether it runs right
// to left.
type Segment struct {
	Start, End int
	RTL        bool
}

// VisualSegments cuts one line of a paragraph of direction rtl into
// segments of one level each, in visual order, left to right. Rich text
// uses it to order the pieces of differently styled spans on a line as
// one paragraph: a line with no right-to-left character is one segment.
func VisualSegments(line string, rtl bool) []Segment {
	if line == "" {
		return nil
	}
	if !rtl && isASCII(line) {
		return []Segment{{Start: 0, End: len(line)}}
	}
	runes := []rune(line)
	types := bidiTypes(runes)
	if !rtl && !anyRTL(types) {
		return []Segment{{Start: 0, End: len(line)}}
	}
	offsets := make([]int, len(runes)+1) // byte offset of each rune, and the end
	i := 0
	for n := range line {
		offsets[i] = n
		i++
	}
	offsets[len(runes)] = len(line)
	base := fribidi.ParType(fribidi.LTR)
	if rtl {
		base = fribidi.RTL
	}
	levels, visual := reorderLine(types, bracketTypes(runes, types), &base)
	segs := levelRanges(levels, visual)
	for i := range segs {
		segs[i].Start, segs[i].End = offsets[segs[i].Start], offsets[segs[i].End]
	}
	return segs
}
