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

	_ "github.com/gen2brain/webp" // WebP sources
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
	img, _, err := image.Decode(br)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", format, err)
	}
	return img, nil
}
