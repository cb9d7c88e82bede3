package engine

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"strings"
	"sync"

	"github.com/gen2brain/webp"
	"github.com/ogcard/ogcard/engine/internal/native"
	"github.com/ogcard/ogcard/engine/internal/pngenc"
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
	// Crawler is the format for clients that do not name image/webp in
	// their Accept header: link crawlers, several of which drop WebP.
	Crawler Format
	// OverBudget, when set, is the format a PNG card over MaxBytes is
	// encoded in instead: a crawler drops a picture over its limit, and
	// a PNG has no quality to step down.
	OverBudget Format
}

func (c *compiler) output(o OutputSpec) Output {
	out := Output{
		Format:   Format(cmpOr(o.Format, string(WebP))),
		Quality:  cmpOr(o.Quality, 80),
		MaxBytes: o.MaxBytes,
		Crawler:  Format(o.CrawlerFormat),
	}
	if out.Crawler == "" {
		out.Crawler = JPEG
		if out.Format == PNG {
			out.Crawler = PNG
		}
	}
	return out
}

// ForCrawler is o for a client that does not name image/webp: the
// crawler format, and a PNG over budget sent as JPEG.
func (o Output) ForCrawler() Output {
	o.Format = o.Crawler
	if o.Format == PNG {
		o.OverBudget = JPEG
	}
	return o
}

// WebPMethod is libwebp's speed/size trade-off for a WebP card (0
// fastest, 6 smallest). Timed with cwebp at q80 (libwebp 1.2.4, best of 8)
// on the reference news card: method 0 took 14 ms for 67.1 KB, method 1
// 18 ms for 62.0 KB, method 2 35 ms for 58.3 KB; on its text-only variant
// method 0 took 9 ms for 33.5 KB and method 1 17 ms for 28.1 KB. A card is
// encoded once and then served from the cache, and far under the 300 KB
// WhatsApp budget either way, so the first request's wait wins: method 0,
// with more effort spent only when a card is over its byte budget
// (webpBudgetMethod). gen2brain/webp treats a zero Method as method 0, but
// it is passed explicitly all the same.
const WebPMethod = 0

// webpBudgetMethod is the method tried, at the same quality, when a card
// is over its byte budget: about 8% smaller than WebPMethod, before any
// quality is given up.
const webpBudgetMethod = 4

// PNGLevel is the deflate level of PNG cards: 0 lets pngenc choose by
// content (libdeflate's level 1 for photos, a third faster than level 2 for
// 4% more bytes; level 2 for flat cards, where it is both faster and
// smaller). Cards are cached, but the first request waits for this.
const PNGLevel = 0

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

// Encode encodes img as o says. With a byte budget, a webp card that
// does not fit is first encoded with more effort at the same quality;
// then webp and jpeg step their quality down by 10 (not below 30) until
// the card fits. A PNG that does not fit is encoded in o.OverBudget
// instead when that is set (Encoded.Format says which). When it cannot
// fit, the smallest attempt is returned with OverBudget set, for the
// caller to report.
func Encode(img *image.RGBA, o Output) (*Encoded, error) {
	q := cmpOr(o.Quality, 80)
	method := WebPMethod
	for {
		data, err := encodeOnce(img, o.Format, q, method)
		if err != nil {
			return nil, err
		}
		res := &Encoded{Data: data, Format: o.Format, Quality: q}
		if o.Format == PNG {
			res.Quality = 0
		}
		switch {
		case o.MaxBytes <= 0 || len(data) <= o.MaxBytes:
			return res, nil
		case o.Format == WebP && method < webpBudgetMethod:
			method = webpBudgetMethod
		case o.Format == PNG && o.OverBudget != "" && o.OverBudget != PNG:
			o.Format, o.OverBudget = o.OverBudget, ""
		case o.Format == PNG || q <= minBudgetQuality:
			res.OverBudget = true
			return res, nil
		default:
			q = max(q-10, minBudgetQuality)
		}
	}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encodeOnce encodes into a pooled buffer and returns an exact-size copy:
// cards live in caches, where spare capacity would be memory held for
// nothing.
func encodeOnce(img *image.RGBA, f Format, quality, method int) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	var err error
	switch f {
	case WebP:
		err = webp.Encode(buf, straightAlpha(img), webp.Options{Quality: quality, Method: method})
	case PNG:
		// Room for the worst case, so the compressor writes straight into
		// the pooled buffer instead of a new one of the image's size.
		buf.Grow(len(img.Pix) + len(img.Pix)/64 + 1024)
		var out []byte
		out, err = pngenc.Encode(buf.AvailableBuffer(), img, PNGLevel)
		buf.Write(out)
	case JPEG:
		err = encodeJPEG(buf, img, quality)
	default:
		err = fmt.Errorf("unknown image format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", f, err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// encodeJPEG uses libjpeg-turbo when the system has it, about five times
// faster than image/jpeg at the same quality setting.
func encodeJPEG(buf *bytes.Buffer, img *image.RGBA, quality int) error {
	if native.TurboJPEG() != nil {
		return jpeg.Encode(buf, img, &jpeg.Options{Quality: quality})
	}
	out, err := native.EncodeJPEG(buf.AvailableBuffer(), img, quality)
	buf.Write(out)
	return err
}

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

// NativeJPEG reports whether JPEGs are decoded and encoded by the
// system's libjpeg-turbo and, if not, why not.
func NativeJPEG() (bool, error) {
	err := native.TurboJPEG()
	return err == nil, err
}

// NativeDeflate reports whether PNG cards are compressed by the system's
// libdeflate and, if not, why not.
func NativeDeflate() (bool, error) {
	err := native.Libdeflate()
	return err == nil, err
}
