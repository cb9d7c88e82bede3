package engine

import (
	"fmt"
	"image"
)

// draw lays the stack out on the canvas (hugging its content where its
// box gives no size) and draws its children in order.
func (s *stackLayer) draw(st *renderState, l *layer) error {
	run, box, err := s.layout(st)
	if err != nil || run == nil {
		st.drawnBox = &rect{}
		return err
	}
	if err := s.paint(st, l, run, box); err != nil {
		return err
	}
	st.drawnBox, st.fontSize = &box, 0
	return nil
}

// layout measures and arranges a top-level stack; a nil run means no child
// is drawn.
func (s *stackLayer) layout(st *renderState) (*stackRun, rect, error) {
	W, H := float64(st.t.Width), float64(st.t.Height)
	p := s.pad
	roomW, roomH := s.place.x.room(W), s.place.y.room(H)
	run, err := s.measure(st, roomW-p.left-p.right, roomH-p.top-p.bottom)
	if err != nil || run == nil {
		return nil, rect{}, err
	}
	cw, ch := run.content(st)
	box := rect{W: roomW, H: roomH}
	if s.place.x.hugs() {
		box.W = cw + p.left + p.right
	}
	if s.place.y.hugs() {
		box.H = ch + p.top + p.bottom
	}
	box.X, box.Y = s.place.x.at(W, box.W), s.place.y.at(H, box.H)
	run.arrange(st, rect{X: box.X + p.left, Y: box.Y + p.top, W: box.W - p.left - p.right, H: box.H - p.top - p.bottom})
	return run, box, nil
}

// paint draws the stack's shadows and background, then its placed children.
func (s *stackLayer) paint(st *renderState, l *layer, run *stackRun, box rect) error {
	shape := roundedBox{box: box, corners: s.corners}
	drawShadows(st, s.shadows, shape, l.opacity)
	if k := s.fill.resolve(st.vals, l.opacity, box); k.visible() {
		fillShape(st, shape, k)
	}
	for _, n := range run.placed {
		if err := st.ctx.Err(); err != nil {
			return err
		}
		if err := n.draw(st, l.opacity); err != nil {
			return fmt.Errorf("layer %s: %w", n.item.l.name, err)
		}
	}
	return nil
}

// draw draws a placed node with its layer's drawer at the node's box, and
// reports the box for the preview. A stack's opacity multiplies its
// children's.
func (n *node) draw(st *renderState, opacity float64) error {
	l := n.item.l
	if opacity < 1 {
		faded := *l
		faded.opacity *= opacity
		l = &faded
	}
	info := len(st.info.Layers)
	if !n.sep {
		st.info.Layers = append(st.info.Layers, LayerInfo{Name: l.name, Kind: l.kind, Box: n.box.pixels()})
	}
	st.drawnBox, st.fontSize = nil, 0
	if err := n.paint(st, l); err != nil {
		return err
	}
	if !n.sep {
		st.info.Layers[info].FontSize = st.fontSize
	}
	return nil
}

// paint draws the node's layer at its box. Boxed drawers are copied with
// the box set: the compiled layer stays as it is, shared by all renders.
func (n *node) paint(st *renderState, l *layer) error {
	switch d := l.drawer.(type) {
	case *textLayer:
		return d.paint(st, l, n.box, n.text, n.block)
	case *tagLayer:
		return d.paint(st, l, n.box, n.text, n.block)
	case *stackLayer:
		return d.paint(st, l, n.run, n.box)
	case *rectLayer:
		c := *d
		c.box = n.box
		return c.draw(st, l)
	case *gradientLayer:
		c := *d
		c.box = n.box
		return c.draw(st, l)
	case *imageLayer:
		c := *d
		c.box = n.box
		return c.draw(st, l)
	case *svgLayer:
		c := *d
		px, size := n.box.pixels(), d.img.Bounds().Size()
		c.at = px.Min.Add(image.Pt((px.Dx()-size.X)/2, (px.Dy()-size.Y)/2))
		c.bound = d.img.Bounds().Add(c.at)
		return c.draw(st, l)
	}
	return fmt.Errorf("a %s layer cannot be drawn in a stack", l.kind)
}
