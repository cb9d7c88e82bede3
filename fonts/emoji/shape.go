package emoji

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/go-text/typesetting/language"
)

// maxShapeRunes bounds one Shape call; headlines are far shorter, and the
// bound keeps a hostile input from making HarfBuzz work for long.
const maxShapeRunes = 1 << 14

// Glyph is one shaped emoji glyph.
type Glyph struct {
	ID      uint16  // glyph id; 0 (.notdef) for a cluster the font lacks
	Advance float64 // in em (multiply by font size in px)
	Cluster int     // byte offset in the input string where its cluster starts
}

// Shape shapes a run of emoji text (already segmented: only emoji clusters)
// left to right. ZWJ sequences (👨‍👩‍👧‍👦), skin tones (👍🏽), flags (🇯🇵, 🏴
// tag sequences) and keycaps (1️⃣) come out as one glyph each, through the
// font's GSUB ligatures. A cluster the font cannot draw yields glyph ID 0
// (for which Image returns ErrNoBitmap) so the caller can fall back to text.
// Shape returns an error for invalid UTF-8 or if go-text fails.
func (f *Font) Shape(s string) ([]Glyph, error) {
	if s == "" {
		return nil, nil
	}
	if !utf8.ValidString(s) {
		return nil, errors.New("emoji: shape: invalid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxShapeRunes {
		return nil, fmt.Errorf("emoji: shape: %d runes, more than %d", n, maxShapeRunes)
	}
	offsets := runeOffsets(s)
	var out []Glyph
	err := f.withWorker("shape", func(w *worker) error {
		var err error
		out, err = w.shape(s, offsets, f.upem)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// runeOffsets maps rune index to byte offset, with len(s) appended so that a
// cluster index one past the end still maps.
func runeOffsets(s string) []int {
	out := make([]int, 0, len(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// shape runs HarfBuzz on s and converts its output to Glyphs.
func (w *worker) shape(s string, offsets []int, upem float64) ([]Glyph, error) {
	if w.hb == nil {
		w.hb = harfbuzz.NewFont(w.face)
		w.buf = harfbuzz.NewBuffer()
	}
	w.runes = w.runes[:0]
	for _, r := range s {
		w.runes = append(w.runes, r)
	}
	buf := w.buf
	buf.Clear()
	// Clear resets the cluster level; graphemes keep each emoji's cluster at
	// the offset of its first code point, which callers rely on.
	buf.ClusterLevel = harfbuzz.MonotoneGraphemes
	buf.AddRunes(w.runes, 0, len(w.runes))
	// Emoji are script Common; fixing direction and script avoids guessing.
	buf.Props.Direction = di.DirectionLTR.Harfbuzz()
	buf.Props.Script = language.Common
	buf.Shape(w.hb, nil)

	if len(buf.Pos) != len(buf.Info) {
		return nil, errors.New("emoji: shape: HarfBuzz returned mismatched glyph data")
	}
	out := make([]Glyph, len(buf.Info))
	for i, info := range buf.Info {
		if info.Cluster < 0 || info.Cluster >= len(offsets) {
			return nil, fmt.Errorf("emoji: shape: cluster %d out of range", info.Cluster)
		}
		out[i] = Glyph{
			ID: uint16(info.Glyph),
			// The HarfBuzz font's scale is the font's units per em.
			Advance: float64(buf.Pos[i].XAdvance) / upem,
			Cluster: offsets[info.Cluster],
		}
	}
	return out, nil
}
