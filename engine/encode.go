package engine

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"

	"github.com/gen2brain/webp"
)

// Format is an output image format.
type Format string

// The output formats.
const (
	WebP Format = "webp"
	PNG  Format = "png"
	JPEG Format = "jpeg"
)

// ParseFormat reads a format name or file extension ("webp", ".jpg", "png").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "webp":
		return WebP, nil
	case "png":
		return PNG, nil
	case "jpg", "jpeg":
		return JPEG, nil
	}
	return "", fmt.Errorf("unknown image format %q: use webp, png or jpeg", s)
}

// ContentType is the format's MIME type.
func (f Format) ContentType() string {
	return "image/" + string(f)
}

// Output says how to encode a card.
type Output struct {
	Format   Format
	Quality  int // 1-100, for webp and jpeg
	MaxBytes int // byte budget; 0 means none
}

func (c *compiler) output(o OutputSpec) Output {
	return Output{
		Format:   Format(cmpOr(o.Format, string(WebP))),
		Quality:  cmpOr(o.Quality, 80),
		MaxBytes: o.MaxBytes,
	}
}

// WebPMethod is libwebp's speed/size trade-off used for every WebP card
// (0 fastest, 6 smallest). On the reference news card at q80, method 2
// gave 58.0 KB in 29 ms, method 4 56.8 KB in 71 ms and method 6 50.8 KB in
// 137 ms (libwebp 1.2.4): method 2 buys 98% of method 4's compression at
// 40% of its time. gen2brain/webp treats a zero Method as method 0, so it
// is always passed explicitly.
const WebPMethod = 2

// minBudgetQuality is the lowest quality the byte budget steps down to:
// below it a card looks broken, which is worse than a large one.
const minBudgetQuality = 30

// Encoded is an encoded card.
type Encoded struct {
	Data       []byte
	Format     Format
	Quality    int  // the quality used, after budget steps (0 for png)
	OverBudget bool // MaxBytes was set and even the lowest quality exceeds it
}

// Encode encodes img as o says. With a byte budget, webp and jpeg step
// their quality down by 10 (not below 30) until the card fits; when it
// cannot fit, the smallest attempt is returned with OverBudget set, for the
// caller to report.
func Encode(img *image.RGBA, o Output) (*Encoded, error) {
	q := cmpOr(o.Quality, 80)
	for {
		data, err := encodeOnce(img, o.Format, q)
		if err != nil {
			return nil, err
		}
		res := &Encoded{Data: data, Format: o.Format, Quality: q}
		if o.Format == PNG {
			res.Quality = 0
		}
		if o.MaxBytes <= 0 || len(data) <= o.MaxBytes {
			return res, nil
		}
		if o.Format == PNG || q <= minBudgetQuality {
			res.OverBudget = true
			return res, nil
		}
		q = max(q-10, minBudgetQuality)
	}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func encodeOnce(img *image.RGBA, f Format, quality int) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	var err error
	switch f {
	case WebP:
		err = webp.Encode(buf, straightAlpha(img), webp.Options{Quality: quality, Method: WebPMethod})
	case PNG:
		err = pngEncoder.Encode(buf, img)
	case JPEG:
		err = jpeg.Encode(buf, img, &jpeg.Options{Quality: quality})
	default:
		err = fmt.Errorf("unknown image format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", f, err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// pngEncoder trades a few percent of size for a 3x faster encode: cards
// are cached, but the first request waits for this.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

type pngBuffers struct{ p sync.Pool }

func (b *pngBuffers) Get() *png.EncoderBuffer {
	e, _ := b.p.Get().(*png.EncoderBuffer)
	return e
}
func (b *pngBuffers) Put(e *png.EncoderBuffer) { b.p.Put(e) }

// straightAlpha returns img as libwebp must get it: it imports RGBA bytes
// as straight (not premultiplied) alpha, so a card with transparency is
// converted; an opaque card is passed as it is.
func straightAlpha(img *image.RGBA) image.Image {
	if img.Opaque() {
		return img
	}
	n := image.NewNRGBA(img.Bounds())
	draw.Draw(n, n.Bounds(), img, img.Bounds().Min, draw.Src)
	return n
}

// NativeWebP reports whether WebP goes through the system's libwebp
// (about 4.5 times faster) and, if not, why not.
func NativeWebP() (bool, error) {
	err := webp.Dynamic()
	return err == nil, err
}
