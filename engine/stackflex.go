package engine

// The arrange pass of a stack: main-axis sizes (hug, fixed, grow, and
// shrinking texts when a row overflows), lines when it wraps, then
// positions from justify and align. "main" is x in a row and y in a
// column; "cross" the other.

// main and cross read and write a node's size along the stack's axes.
func (r *stackRun) main(n *node) float64 {
	if r.s.column {
		return n.h
	}
	return n.w
}

func (r *stackRun) cross(n *node) float64 {
	if r.s.column {
		return n.w
	}
	return n.h
}

func (r *stackRun) mainSizing(n *node) sizing {
	if r.s.column {
		return n.item.h
	}
	return n.item.w
}

func (r *stackRun) crossSizing(n *node) sizing {
	if r.s.column {
		return n.item.w
	}
	return n.item.h
}

// content returns the size the children take with the run's most room,
// padding excluded: what a hugging stack measures.
func (r *stackRun) content(st *renderState) (w, h float64) {
	limit, crossLimit := r.maxW, r.maxH
	if r.s.column {
		limit, crossLimit = r.maxH, r.maxW
	}
	lines := r.lines(st, limit, false)
	mainLen, crossLen := 0.0, 0.0
	for i, line := range lines {
		mainLen = max(mainLen, r.used(line))
		crossLen += r.lineCross(line)
		if i > 0 {
			crossLen += r.s.gap
		}
	}
	crossLen = min(crossLen, crossLimit)
	if r.s.column {
		return crossLen, mainLen
	}
	return mainLen, crossLen
}

// lines breaks the nodes into lines (one unless the stack wraps) and sizes
// every node on the main axis within limit. With definite, free room goes
// to the growing children; a hugging stack has none to give.
func (r *stackRun) lines(st *renderState, limit float64, definite bool) [][]*node {
	var lines [][]*node
	if r.s.wrap {
		lines = r.breakLines(limit)
	} else {
		lines = [][]*node{trimSeparators(r.nodes)}
	}
	for _, line := range lines {
		r.sizeMain(st, line, limit, definite)
	}
	return lines
}

// basis is a node's main size before growing or shrinking.
func (r *stackRun) basis(n *node, definite bool) float64 {
	s := r.mainSizing(n)
	switch {
	case s.kind == fixed:
		return s.px
	case s.kind == grow && definite:
		return 0
	}
	return r.main(n)
}

// breakLines fills lines up to limit with the nodes' bases; separators
// are kept only between two children on the same line.
func (r *stackRun) breakLines(limit float64) [][]*node {
	var lines [][]*node
	var cur []*node
	used := 0.0
	for _, n := range r.nodes {
		b := r.basis(n, false)
		if len(cur) > 0 && !n.sep && used+r.s.gap+b > limit+0.01 && len(trimSeparators(cur)) > 0 {
			lines = append(lines, trimSeparators(cur))
			cur, used = nil, 0
		}
		if len(cur) == 0 && n.sep {
			continue
		}
		if len(cur) > 0 {
			used += r.s.gap
		}
		cur = append(cur, n)
		used += b
	}
	if c := trimSeparators(cur); len(c) > 0 {
		lines = append(lines, c)
	}
	return lines
}

// trimSeparators drops separators at either end of a line.
func trimSeparators(line []*node) []*node {
	for len(line) > 0 && line[0].sep {
		line = line[1:]
	}
	for len(line) > 0 && line[len(line)-1].sep {
		line = line[:len(line)-1]
	}
	return line
}

// sizeMain gives each node of a line its main size: growing children
// share the free room; when the line overflows, texts and stacks that hug
// give it back in proportion to their size, and are set again.
func (r *stackRun) sizeMain(st *renderState, line []*node, limit float64, definite bool) {
	used, grows, shrinkable := 0.0, 0, 0.0
	for i, n := range line {
		b := r.basis(n, definite)
		used += b
		if i > 0 {
			used += r.s.gap
		}
		switch k := r.mainSizing(n).kind; {
		case k == grow && definite:
			grows++
		case k != fixed && n.hasContent():
			shrinkable += b
		}
	}
	free := limit - used
	for _, n := range line {
		b := r.basis(n, definite)
		switch k := r.mainSizing(n).kind; {
		case k == grow && definite:
			r.setMain(st, n, b+max(free, 0)/float64(grows))
		case free < -0.01 && k != fixed && n.hasContent() && shrinkable > 0:
			r.setMain(st, n, max(b+free*b/shrinkable, 0))
		default:
			r.setMain(st, n, b)
		}
	}
}

// setMain sets a node's main size. A text in a row narrower than its
// longest line, or wider than it was set at while it wrapped, is set
// again; so is a stack's content in a row, as its height follows.
func (r *stackRun) setMain(st *renderState, n *node, v float64) {
	if r.s.column {
		n.h = v
		return
	}
	old := n.w
	n.w = v
	switch d := n.item.l.drawer.(type) {
	case *textLayer:
		wrapped := len(n.block.Lines) > 1 || n.block.Truncated
		if v < longestLine(n.block)-0.01 || v > n.setAt+0.01 && wrapped {
			// Set once already with this text and font, so no new error.
			_ = n.setText(st, d, v)
			if v > old {
				n.w = v // grown: it keeps the share it was given
			}
		}
	case *stackLayer:
		if n.run != nil && v < old-0.01 && n.item.h.kind != fixed {
			n.run.maxW = v - d.pad.left - d.pad.right
			_, ch := n.run.content(st)
			n.h = ch + d.pad.top + d.pad.bottom
		}
	}
}

// used is a line's main length: its nodes and the gaps between them.
func (r *stackRun) used(line []*node) float64 {
	u := 0.0
	for i, n := range line {
		u += r.main(n)
		if i > 0 {
			u += r.s.gap
		}
	}
	return u
}

// lineCross is the cross length of a line: its tallest node, or with
// baseline alignment the most above plus the most below the baseline.
func (r *stackRun) lineCross(line []*node) float64 {
	if r.s.align == "baseline" {
		above, below := 0.0, 0.0
		for _, n := range line {
			above, below = max(above, n.base), max(below, n.h-n.base)
		}
		return above + below
	}
	c := 0.0
	for _, n := range line {
		c = max(c, r.crossOf(n, 0))
	}
	return c
}

// crossOf is a node's cross size in a line of lineCross (0: not yet
// known), within the stack's room.
func (r *stackRun) crossOf(n *node, lineCross float64) float64 {
	limit := r.maxH
	if r.s.column {
		limit = r.maxW
	}
	s := r.crossSizing(n)
	switch {
	case s.kind == fixed:
		return min(s.px, limit)
	case lineCross > 0 && (s.kind == grow || r.s.align == "stretch") && !n.sep:
		return lineCross
	}
	return min(r.cross(n), limit)
}

// arrange places the nodes in inner, the stack's box less its padding, and
// arranges child stacks in theirs.
func (r *stackRun) arrange(st *renderState, inner rect) {
	mainLen, crossLen := inner.W, inner.H
	if r.s.column {
		mainLen, crossLen = inner.H, inner.W
	}
	lines := r.lines(st, mainLen, true)
	crossAt := 0.0
	r.placed = r.placed[:0]
	for _, line := range lines {
		r.placed = append(r.placed, line...)
		lc := r.lineCross(line)
		if len(lines) == 1 {
			lc = crossLen // one line takes the whole cross axis, for align
		}
		r.placeLine(line, mainLen, crossAt, lc)
		crossAt += lc + r.s.gap
	}
	for _, n := range r.placed {
		n.box = r.toBox(n.box, inner)
		if n.run != nil {
			p := n.item.l.drawer.(*stackLayer).pad
			n.run.arrange(st, rect{X: n.box.X + p.left, Y: n.box.Y + p.top, W: n.box.W - p.left - p.right, H: n.box.H - p.top - p.bottom})
		}
	}
}

// placeLine sets each node's box in (main, cross) coordinates relative to
// the inner box: X, W along the main axis, Y, H across it.
func (r *stackRun) placeLine(line []*node, mainLen, crossAt, lineCross float64) {
	free := mainLen - r.used(line)
	at, gap := 0.0, r.s.gap
	switch r.s.justify {
	case "center":
		at = free / 2
	case "end":
		at = free
	case "space-between":
		if len(line) > 1 && free > 0 {
			gap += free / float64(len(line)-1)
		}
	}
	above := 0.0
	for _, n := range line {
		above = max(above, n.base)
	}
	for _, n := range line {
		c := r.crossOf(n, lineCross)
		r.setCross(n, c)
		off := 0.0
		switch r.s.align {
		case "center":
			off = (lineCross - c) / 2
		case "end":
			off = lineCross - c
		case "baseline":
			off = above - n.base
		}
		n.box = rect{X: at, W: r.main(n), Y: crossAt + off, H: c}
		at += r.main(n) + gap
	}
}

func (r *stackRun) setCross(n *node, c float64) {
	if r.s.column {
		n.w = c
	} else {
		n.h = c
	}
}

// toBox turns a (main, cross) box relative to inner into card pixels,
// mirrored when the stack runs right to left.
func (r *stackRun) toBox(mc rect, inner rect) rect {
	b := rect{X: mc.X, Y: mc.Y, W: mc.W, H: mc.H}
	if r.s.column {
		b = rect{X: mc.Y, Y: mc.X, W: mc.H, H: mc.W}
	}
	if r.rtl {
		b.X = inner.W - b.X - b.W
	}
	b.X += inner.X
	b.Y += inner.Y
	return b
}
