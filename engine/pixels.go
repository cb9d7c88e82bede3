package engine

import (
	"image"
	"sync"
)

// Pixel buffers of cards and of photos decoded larger than their box are
// megabytes each and live for one render: pooling them keeps the garbage
// collector, and the process's peak memory, out of the way of rendering.
var (
	canvasPool pixelPool // cards, handed back through Recycle
	decodePool pixelPool // full-size decodes, dropped once shrunk
)

type pixelPool struct{ p sync.Pool }

// rgba returns an image of r's size whose pixels are NOT cleared: the
// caller writes every one of them.
func (pp *pixelPool) rgba(r image.Rectangle) *image.RGBA {
	n := 4 * r.Dx() * r.Dy()
	if b, ok := pp.p.Get().(*[]byte); ok && cap(*b) >= n {
		return &image.RGBA{Pix: (*b)[:n], Stride: 4 * r.Dx(), Rect: r}
	}
	return image.NewRGBA(r)
}

func (pp *pixelPool) put(img *image.RGBA) {
	if img == nil || cap(img.Pix) == 0 {
		return
	}
	b := img.Pix[:0]
	pp.p.Put(&b)
}

// Recycle hands a rendered card's pixels back for the next render. Call
// it once the card is encoded and only if nothing else holds the image:
// the next Render writes over it. Not calling it is fine (the garbage
// collector takes the image instead).
func Recycle(img *image.RGBA) { canvasPool.put(img) }
