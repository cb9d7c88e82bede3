package engine

import (
	"github.com/ogcard/ogcard/engine/typeset"
	"github.com/ogcard/ogcard/fonts"
)

// stackRun is one render's layout of a stack, kept apart from the
// immutable stackLayer as text/template keeps its state apart: the drawn
// children, measured (each text set once, at the width it gets), with the
// separators between them, then placed.
type stackRun struct {
	s          *stackLayer
	nodes      []*node // drawn children, separators between them
	placed     []*node // the nodes arrange placed: no separator at a line's end
	rtl        bool
	maxW, maxH float64 // the most room the content may take, padding excluded
}

// node is one drawn child of a stack in one render.
type node struct {
	item *stackItem
	sep  bool    // a separator, not a child
	w, h float64 // outer size
	base float64 // distance from the top to the first baseline
	box  rect    // where it is drawn, once placed

	text  content       // text and tag: the text, filled in
	block typeset.Block // text and tag: the text as set
	setAt float64       // text: the width the block was set at (0: unbounded)

	run *stackRun // a stack child's own layout
}

// measure builds the run for a stack with at most maxW by maxH of room
// inside its padding. It returns nil when no child is drawn: such a stack
// takes no room. Texts are set last, with the room the other children
// leave, so each is set once unless the row then overflows.
func (s *stackLayer) measure(st *renderState, maxW, maxH float64) (*stackRun, error) {
	r := &stackRun{s: s, maxW: max(maxW, 0), maxH: max(maxH, 0)}
	var kids []*node
	for _, it := range s.items {
		if n := r.open(st, it); n != nil {
			kids = append(kids, n)
		}
	}
	if len(kids) == 0 {
		return nil, nil
	}
	var sep *node
	if s.separator != nil && len(kids) > 1 {
		sep = r.open(st, s.separator)
	}
	room := r.textRoom(kids, sep)
	if sep != nil {
		if err := r.size(st, sep, room); err != nil {
			return nil, err
		}
	}
	drawn := kids[:0]
	for _, n := range kids {
		if err := r.size(st, n, room); err != nil {
			return nil, err
		}
		if _, isStack := n.item.l.drawer.(*stackLayer); !isStack || n.run != nil {
			drawn = append(drawn, n) // a stack with nothing drawn in it takes no room
		}
	}
	if kids = drawn; len(kids) == 0 {
		return nil, nil
	}
	if len(kids) == 1 {
		sep = nil
	}
	r.rtl = s.dir == "rtl" || s.dir == "auto" && firstTextRTL(kids)
	r.nodes = interleave(kids, sep)
	return r, nil
}

// open starts a node for a child that is drawn: its text filled in, its
// fixed and own sizes known; nil when it is not drawn.
func (r *stackRun) open(st *renderState, it *stackItem) *node {
	if !it.l.shown(st.vals) {
		return nil
	}
	n := &node{item: it, w: it.w.px, h: it.h.px}
	switch d := it.l.drawer.(type) {
	case *textLayer:
		n.text = d.content(st.vals)
	case *tagLayer:
		n.text = d.content(st.vals)
	}
	if n.isText() && n.text.empty() {
		return nil
	}
	n.base = n.h
	return n
}

func (n *node) isText() bool {
	switch n.item.l.drawer.(type) {
	case *textLayer, *tagLayer:
		return true
	}
	return false
}

func (n *node) hasContent() bool {
	_, isStack := n.item.l.drawer.(*stackLayer)
	return isStack || n.isText()
}

// textRoom is the main-axis room for a child with content (a text, a tag,
// a stack) in a row: what the other children, gaps and separators leave.
// A wrapping row gives each its whole width, as it may take a line alone.
func (r *stackRun) textRoom(kids []*node, sep *node) float64 {
	if r.s.column || r.s.wrap {
		return r.maxW
	}
	room := r.maxW - float64(len(kids)-1)*r.s.gap
	if sep != nil {
		room -= float64(len(kids)-1) * r.s.gap
		if sep.item.w.kind == fixed {
			room -= float64(len(kids)-1) * sep.w
		}
	}
	for _, n := range kids {
		if !n.hasContent() && n.item.w.kind == fixed {
			room -= n.w
		}
	}
	return max(room, 0)
}

// size measures a node with content: a text set at the width it gets, a
// tag's pill, a stack's own layout.
func (r *stackRun) size(st *renderState, n *node, room float64) error {
	it := n.item
	width := room
	if it.w.kind == fixed {
		width = it.w.px
	}
	if r.s.column && it.w.kind != fixed {
		width = r.maxW
	}
	switch d := it.l.drawer.(type) {
	case *textLayer:
		return n.setText(st, d, width)
	case *tagLayer:
		return n.setTag(st, d, width)
	case *stackLayer:
		return n.sizeStack(st, d, width, r)
	}
	return nil
}

// setText sets a text node at width; a fixed size stays as written.
func (n *node) setText(st *renderState, t *textLayer, width float64) error {
	width = max(width, 1) // 0 would mean "do not wrap" to the typesetter
	height := 0.0
	if n.item.h.kind == fixed {
		height = n.item.h.px
	}
	block, err := t.set(st, n.text, width, height)
	if err != nil {
		return err
	}
	n.block, n.setAt = block, width
	if n.item.w.kind != fixed {
		n.w = longestLine(block)
	}
	if n.item.h.kind != fixed {
		n.h = block.Height()
	}
	n.base = baselineOffset(t.font, block.Largest, block.LineHeight)
	return nil
}

func longestLine(b typeset.Block) float64 {
	w := 0.0
	for _, l := range b.Lines {
		w = max(w, l.Width)
	}
	return w
}

// setTag sets a tag's one line in a pill at most width wide.
func (n *node) setTag(st *renderState, t *tagLayer, width float64) error {
	width = max(width, 1)
	block, err := t.set(st, n.text, min(width, t.maxWidth))
	if err != nil {
		return err
	}
	n.block, n.setAt = block, width
	if n.item.w.kind != fixed && len(block.Lines) > 0 {
		n.w = block.Lines[0].Width + 2*t.padX
	}
	if n.item.h.kind != fixed {
		n.h = t.pillHeight(block)
	}
	n.base = t.baseline(block)
	return nil
}

// sizeStack lays a child stack out with width of room (less its padding)
// and hugs its content where no length is given.
func (n *node) sizeStack(st *renderState, s *stackLayer, width float64, parent *stackRun) error {
	height := parent.maxH
	if n.item.h.kind == fixed {
		height = n.item.h.px
	}
	run, err := s.measure(st, width-s.pad.left-s.pad.right, height-s.pad.top-s.pad.bottom)
	if err != nil || run == nil {
		return err
	}
	n.run = run
	cw, ch := run.content(st)
	if n.item.w.kind != fixed {
		n.w = cw + s.pad.left + s.pad.right
	}
	if n.item.h.kind != fixed {
		n.h = ch + s.pad.top + s.pad.bottom
	}
	n.base = s.pad.top + run.firstBaseline(ch)
	return nil
}

// firstBaseline is where a stack's first line of text sits, from the top
// of its content, so a stack lines up with texts in a baseline row: a
// column's first child's, a baseline row's shared one; else the bottom of
// its content, of height contentH.
func (r *stackRun) firstBaseline(contentH float64) float64 {
	switch {
	case r.s.column:
		return r.nodes[0].base
	case r.s.align == "baseline" && !r.s.wrap:
		b := 0.0
		for _, n := range r.nodes {
			b = max(b, n.base)
		}
		return b
	}
	return contentH
}

// firstTextRTL reports whether the first text child is right to left.
func firstTextRTL(kids []*node) bool {
	for _, n := range kids {
		if n.isText() {
			return fonts.IsRTL(n.text.text)
		}
	}
	return false
}

// interleave puts a copy of the separator between every two children.
func interleave(kids []*node, sep *node) []*node {
	if sep == nil {
		return kids
	}
	out := make([]*node, 0, 2*len(kids)-1)
	for i, n := range kids {
		if i > 0 {
			s := *sep
			s.sep = true
			out = append(out, &s)
		}
		out = append(out, n)
	}
	return out
}
