package engine

import (
	"errors"
	"image"
	"math"
)

// rect is a box in canvas pixels, top-left origin, y down.
type rect struct {
	X, Y, W, H float64
}

// pixels returns the whole pixels the box covers, rounded to the nearest edge.
func (r rect) pixels() image.Rectangle {
	return image.Rect(
		int(math.Round(r.X)), int(math.Round(r.Y)),
		int(math.Round(r.X+r.W)), int(math.Round(r.Y+r.H)),
	)
}

// resolve turns a box as written into pixels on a canvas of w by h. Each
// axis takes any two of start, size and end; one or none given fills the
// rest with 0 insets.
func (b *BoxSpec) resolve(w, h float64) (rect, error) {
	if b == nil {
		return rect{W: w, H: h}, nil
	}
	for _, l := range []*Length{b.X, b.Y, b.Left, b.Top, b.Right, b.Bottom, b.Width, b.Height} {
		if l != nil && l.Grow {
			return rect{}, errors.New(`"grow" sizes a layer inside a stack; here give a length`)
		}
	}
	if b.X != nil && b.Left != nil {
		return rect{}, errors.New("give x or left, not both")
	}
	if b.Y != nil && b.Top != nil {
		return rect{}, errors.New("give y or top, not both")
	}
	x, width, err := axis(firstLength(b.X, b.Left), b.Width, b.Right, w, "left", "width", "right")
	if err != nil {
		return rect{}, err
	}
	y, height, err := axis(firstLength(b.Y, b.Top), b.Height, b.Bottom, h, "top", "height", "bottom")
	if err != nil {
		return rect{}, err
	}
	if width <= 0 || height <= 0 {
		return rect{}, errors.New("box is empty: its width and height must be above 0")
	}
	return rect{X: x, Y: y, W: width, H: height}, nil
}

func firstLength(a, b *Length) *Length {
	if a != nil {
		return a
	}
	return b
}

// axis resolves one axis from start, size and end on a whole of length whole.
func axis(start, size, end *Length, whole float64, startName, sizeName, endName string) (pos, length float64, err error) {
	get := func(l *Length) float64 {
		if l == nil {
			return 0
		}
		return l.Resolve(whole)
	}
	switch {
	case start != nil && size != nil && end != nil:
		return 0, 0, errors.New("give at most two of " + startName + ", " + sizeName + " and " + endName)
	case size == nil:
		return get(start), whole - get(start) - get(end), nil
	case start == nil && end != nil:
		return whole - get(end) - get(size), get(size), nil
	default:
		return get(start), get(size), nil
	}
}
