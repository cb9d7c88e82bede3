package engine_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

// FuzzDecodeImageFor feeds any bytes to the picture decoder: it never
// panics, and what it returns is within the pixel cap it was given.
func FuzzDecodeImageFor(f *testing.F) {
	for _, name := range []string{"../testdata/bg.jpg", "../layouts/assets/avatar.jpg"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b[:min(len(b), 4096)], 1200, 630)
		}
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n"), 0, 0)
	f.Add([]byte("GIF89a\xff\xff\xff\xff"), 100, 100)
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), 10, 10)
	const maxPixels = 4 << 20
	f.Fuzz(func(t *testing.T, data []byte, w, h int) {
		hint := engine.DecodeHint{Width: min(max(w, 0), 4000), Height: min(max(h, 0), 4000), Fit: "cover"}
		img, err := engine.DecodeImageFor(bytes.NewReader(data), maxPixels, hint)
		if err != nil {
			return
		}
		b := img.Bounds()
		if b.Dx()*b.Dy() > maxPixels {
			t.Fatalf("decoded %v, over the %d-pixel cap", b, maxPixels)
		}
	})
}
