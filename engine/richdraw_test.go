package engine

import (
	"slices"
	"testing"

	"github.com/ogcard/ogcard/engine/typeset"
)

// TestVisualPiecesOrderSpansAsOneParagraph: the pieces of a line are
// ordered by the bidi algorithm over the whole line, not span by span.
func TestVisualPiecesOrderSpansAsOneParagraph(t *testing.T) {
	type vp = visualPiece
	p := func(text string, run int) typeset.Piece { return typeset.Piece{Text: text, Run: run} }
	for _, tc := range []struct {
		name   string
		pieces []typeset.Piece
		rtl    bool
		want   []vp
	}{{
		name:   "latin stays as it is",
		pieces: []typeset.Piece{p("Written by ", 0), p("Amara", 1), p(" at Northwind", 2)},
		want:   []vp{{p("Written by ", 0), false}, {p("Amara", 1), false}, {p(" at Northwind", 2), false}},
	}, {
		// Two right-to-left spans in an English line (a first and last
		// name in two colours) run right to left together: the second
		// span is drawn to the left of the first.
		name:   "two rtl spans in an ltr line",
		pieces: []typeset.Piece{p("By ", 0), p("أمارا ", 1), p("أوكافور", 2), p(" today", 0)},
		want: []vp{
			{p("By ", 0), false},
			{p("أوكافور", 2), true}, {p("أمارا ", 1), true},
			{p(" today", 0), false},
		},
	}, {
		// In a right-to-left paragraph a Latin word inside a span is a
		// left-to-right island, cut out of its span.
		name:   "latin island in an rtl span",
		pieces: []typeset.Piece{p("مرحبا ", 0), p("ogcard كتب", 1)},
		rtl:    true,
		want: []vp{
			{p(" كتب", 1), true},
			{p("ogcard", 1), false},
			{p("مرحبا ", 0), true},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := visualPieces(tc.pieces, tc.rtl)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
