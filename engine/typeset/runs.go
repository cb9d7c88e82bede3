package typeset

import (
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// normalizeRuns is normalize for a rich paragraph: the same collapsing of
// white space over the whole text (so "by " + " Amara" has one space), with
// each run's length following its text. A collapsed space belongs to the
// run of its first white-space character.
func normalizeRuns(text string, runs []Run) (string, []Run) {
	if len(runs) == 0 {
		return "", nil
	}
	out := make([]byte, 0, len(text))
	owner := make([]int, 0, len(text)) // the run of each byte of out
	pending := -1                      // the run of a collapsed space not yet written
	r, end := 0, runs[0].Len
	for i := 0; i < len(text); {
		for r < len(runs)-1 && i >= end {
			r++
			end += runs[r].Len
		}
		c, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case c == '\r' && strings.HasPrefix(text[i:], "\r\n"):
			// \r\n is one hard break: the \n writes it.
		case c == '\n':
			pending = -1
			out, owner = append(out, '\n'), append(owner, r)
		case collapsible(c):
			if len(out) > 0 && out[len(out)-1] != '\n' && pending < 0 {
				pending = r
			}
		default:
			if pending >= 0 {
				out, owner = append(out, ' '), append(owner, pending)
				pending = -1
			}
			out = append(out, text[i:i+n]...)
			for range n {
				owner = append(owner, r)
			}
		}
		i += n
	}
	// Blank lines at either end go, as normalize's final trim does.
	lo, hi := 0, len(out)
	for lo < hi && out[lo] == '\n' {
		lo++
	}
	for hi > lo && out[hi-1] == '\n' {
		hi--
	}
	norm := make([]Run, len(runs))
	copy(norm, runs)
	for i := range norm {
		norm[i].Len = 0
	}
	for _, o := range owner[lo:hi] {
		norm[o].Len++
	}
	return string(out[lo:hi]), norm
}

// richMeasure measures stretches of a rich paragraph, each run in its
// own font, size and letter spacing, once per stretch.
type richMeasure struct {
	text  string
	runs  []Run
	ends  []int // where each run ends, in bytes
	cache map[[2]int]extent
	// ellipsis is the width of an ellipsis, per run.
	ellipsis map[int]float64
}

func newRichMeasure(text string, runs []Run) *richMeasure {
	return &richMeasure{text: text, runs: runs, ends: runEnds(runs), cache: map[[2]int]extent{}, ellipsis: map[int]float64{}}
}

// runEnds is where each run ends, in bytes of the paragraph.
func runEnds(runs []Run) []int {
	ends := make([]int, len(runs))
	end := 0
	for i, r := range runs {
		end += r.Len
		ends[i] = end
	}
	return ends
}

// largestScale is the largest Scale of a run with text, which sets the
// line height (1 when no run has text).
func (m *richMeasure) largestScale() float64 {
	largest := 0.0
	for _, r := range m.runs {
		if r.Len > 0 {
			largest = max(largest, r.Scale)
		}
	}
	if largest == 0 {
		return 1
	}
	return largest
}

// runIndex is the index of the run that holds byte i (the last run for i
// past the end, the first for i before the start).
func (m *richMeasure) runIndex(i int) int {
	for k, end := range m.ends {
		if i < end {
			return k
		}
	}
	return len(m.runs) - 1
}

func (m *richMeasure) runAt(i int) Run { return m.runs[m.runIndex(i)] }

// measure is the width of str starting at byte start: a stretch of the
// text, or a stretch followed by an ellipsis set in the style of the
// character before it.
func (m *richMeasure) measure(start int, str string) (extent, error) {
	if start+len(str) <= len(m.text) && m.text[start:start+len(str)] == str {
		return m.stretch(start, len(str))
	}
	prefix := strings.TrimSuffix(str, Ellipsis)
	e, err := m.stretch(start, len(prefix))
	if err != nil {
		return extent{}, err
	}
	k := m.runIndex(start)
	if prefix != "" {
		k = m.runIndex(start + len(prefix) - 1)
		e.px += m.runs[k].LetterSpacing
	}
	w, ok := m.ellipsis[k]
	if !ok {
		adv, err := m.runs[k].Font.Advance(Ellipsis)
		if err != nil {
			return extent{}, err
		}
		w = adv * m.runs[k].Scale
		m.ellipsis[k] = w
	}
	e.em += w
	return e, nil
}

// stretch measures text[start:start+n], each run apart: kerning does not
// cross a change of style, as in a browser.
func (m *richMeasure) stretch(start, n int) (extent, error) {
	key := [2]int{start, n}
	if e, ok := m.cache[key]; ok {
		return e, nil
	}
	var e extent
	last := 0.0
	for i, end := start, start+n; i < end; {
		k := m.runIndex(i)
		piece := m.text[i:min(end, m.ends[k])]
		r := m.runs[k]
		adv, err := r.Font.Advance(piece)
		if err != nil {
			return extent{}, err
		}
		e.em += adv * r.Scale
		e.px += float64(uniseg.GraphemeClusterCount(piece)) * r.LetterSpacing
		last = r.LetterSpacing
		i += len(piece)
	}
	e.px -= last // no spacing after the last cluster
	m.cache[key] = e
	return e, nil
}

// Piece is the part of a line of a rich paragraph in one run.
type Piece struct {
	Text string
	Run  int // index into Params.Runs
}

// Pieces splits line i of a rich paragraph into its runs, in logical
// order. An ellipsis that ends the line is in the run of the character
// before it. A plain block's line is one piece of run 0.
func (b Block) Pieces(i int) []Piece {
	line := b.Lines[i]
	if b.runs == nil {
		return []Piece{{Text: line.Text}}
	}
	m := &richMeasure{text: b.text, runs: b.runs, ends: runEnds(b.runs)} // for runIndex only
	text, tail := line.Text, ""
	if !strings.HasPrefix(b.text[min(line.Start, len(b.text)):], text) {
		text, tail = strings.TrimSuffix(line.Text, Ellipsis), Ellipsis
	}
	var pieces []Piece
	for at := 0; at < len(text); {
		k := m.runIndex(line.Start + at)
		n := min(len(text)-at, m.ends[k]-(line.Start+at))
		pieces = append(pieces, Piece{Text: text[at : at+n], Run: k})
		at += n
	}
	switch {
	case tail == "":
	case len(pieces) > 0:
		pieces[len(pieces)-1].Text += tail
	default:
		pieces = append(pieces, Piece{Text: tail, Run: m.runIndex(line.Start)})
	}
	return pieces
}
