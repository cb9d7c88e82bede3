package engine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // first frame of GIF sources
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"

	_ "github.com/gen2brain/webp" // WebP sources
	"github.com/ogcard/ogcard/engine/internal/native"
	"github.com/ogcard/ogcard/engine/internal/resample"
)

// DefaultMaxPixels bounds the pictures a card will decode: 50 megapixels
// covers any camera photo, and a decoded 50 MP image is already 200 MB.
const DefaultMaxPixels = 50_000_000

// ErrTooManyPixels is returned for a picture larger than the pixel cap; it
// is detected from the header, before any pixel is decoded.
var ErrTooManyPixels = errors.New("picture has too many pixels")

// ErrUnsupportedImage is returned for data that is not a JPEG, PNG, GIF or WebP picture.
var ErrUnsupportedImage = errors.New("not a JPEG, PNG, GIF or WebP picture")

// DecodeImage decodes a JPEG, PNG, GIF (first frame) or WebP picture,
// refusing from its header alone one of more than maxPixels (0 means
// DefaultMaxPixels), so a 12000x12000 bomb costs microseconds, not memory.
func DecodeImage(r io.Reader, maxPixels int) (image.Image, error) {
	return DecodeImageFor(r, maxPixels, DecodeHint{})
}

// DecodeHint says how a picture will be drawn, so that it can be decoded
// ready to draw: shrunk once, at load, to the size the box shows it at,
// and then only copied by every render that uses it. A JPEG also decodes
// faster: libjpeg scales by 1/2, 1/4 and 1/8 inside the DCT. The zero
// hint decodes at full size.
type DecodeHint struct {
	Width, Height int    // the box the picture is drawn into, in card pixels
	Fit           string // cover, contain or fill
}

// target is the size a w x ht picture is shown at in the box, and whether
// that is a shrink on both axes (pictures are never enlarged at load).
func (h DecodeHint) target(w, ht int) (tw, th int, shrink bool) {
	if h.Width <= 0 || h.Height <= 0 || w <= 0 || ht <= 0 {
		return w, ht, false
	}
	sx, sy := float64(h.Width)/float64(w), float64(h.Height)/float64(ht)
	switch h.Fit {
	case "fill": // each axis on its own
	case "contain":
		sx = min(sx, sy)
		sy = sx
	default: // cover
		sx = max(sx, sy)
		sy = sx
	}
	tw, th = max(int(math.Round(float64(w)*sx)), 1), max(int(math.Round(float64(ht)*sy)), 1)
	return tw, th, tw < w && th < ht
}

// jpegEighths is the DCT scale, in eighths, to decode a w x ht JPEG at:
// the smallest of 8/8, 4/8, 2/8 and 1/8 that keeps every pixel the box
// needs. libjpeg-turbo has SIMD code for these; at other eighths it is
// slower than decoding whole, and its sharper result cost a quarter more
// WebP bytes than the resampler's on the reference card.
func (h DecodeHint) jpegEighths(w, ht int) int {
	tw, th, shrink := h.target(w, ht)
	if !shrink {
		return 8
	}
	n := 8
	for n > 1 && w*(n/2) >= tw*8 && ht*(n/2) >= th*8 {
		n /= 2
	}
	return n
}

// DecodeImageFor is DecodeImage for a picture that will be drawn as hint
// says. With libjpeg-turbo on the system, JPEGs are decoded by it (at a
// reduced scale when the hint allows) to RGBA; everything else, and every
// JPEG without it, goes through the standard decoders.
func DecodeImageFor(r io.Reader, maxPixels int, hint DecodeHint) (image.Image, error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	br := bufio.NewReaderSize(r, 64<<10) // big enough for the Peek below: EXIF and ICC data come before the frame header
	head, _ := br.Peek(64 << 10)         // DecodeConfig needs only the header
	cfg, format, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, ErrUnsupportedImage
		}
		return nil, fmt.Errorf("read picture header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%s picture has no pixels (%dx%d)", format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, fmt.Errorf("%w: %s is %dx%d, the limit is %d", ErrTooManyPixels, format, cfg.Width, cfg.Height, maxPixels)
	}
	var img image.Image
	if format == "jpeg" && native.TurboJPEG() == nil {
		img, err = decodeTurbo(br, hint.jpegEighths(cfg.Width, cfg.Height))
	} else {
		img, _, err = image.Decode(br)
	}
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", format, err)
	}
	if rgba, ok := img.(*image.RGBA); ok && format == "jpeg" {
		// A JPEG is opaque by construction: say so, so that neither the
		// resampler nor every render that copies it scans its alpha.
		img = resample.OpaqueRGBA{RGBA: rgba}
	}
	return fitted(img, cfg.Width, cfg.Height, hint), nil
}

// fitted shrinks a decoded picture to the size the hint shows it at, so
// that drawing it is a copy. The full-size decode it replaces goes back
// to the pool.
func fitted(img image.Image, w, h int, hint DecodeHint) image.Image {
	tw, th, shrink := hint.target(w, h)
	b := img.Bounds()
	if !shrink || (b.Dx() == tw && b.Dy() == th) {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, tw, th))
	resample.Scale(out, out.Bounds(), img, b)
	if full := bareRGBA(img); full != nil {
		decodePool.put(full) // decoded just now, held by nobody else
	}
	if _, ok := img.(resample.OpaqueRGBA); ok {
		return resample.OpaqueRGBA{RGBA: out}
	}
	return out
}

// bareRGBA is the *image.RGBA behind a picture, or nil.
func bareRGBA(img image.Image) *image.RGBA {
	switch p := img.(type) {
	case *image.RGBA:
		return p
	case resample.OpaqueRGBA:
		return p.RGBA
	}
	return nil
}

// decodeTurbo decodes a JPEG with libjpeg-turbo at eighths/8 of its size.
// What it refuses (CMYK) or fails on is given to image/jpeg, whose error,
// if it fails too, is the one reported, the same with or without the
// library.
func decodeTurbo(r io.Reader, eighths int) (image.Image, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read jpeg: %w", err)
	}
	if img, err := native.DecodeJPEG(decodePool.rgba, data, eighths); err == nil {
		return img, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}
