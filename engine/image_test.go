package engine

import (
	"image"
	"image/color"
	"testing"
)

// A picture already at its box's size, shown from a whole pixel, comes
// out of scaledPicture as its own pixels; from half a pixel in, it is
// resampled (shifted by the half pixel), as before.
func TestScaledPictureCopiesAPictureAtItsSize(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range src.Pix {
		src.Pix[i] = uint8(i*37 + i/4)
	}
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = 255
	}
	dr := image.Rect(100, 50, 130, 70)
	got := scaledPicture(dr, src, picFit{mode: "cover"}, 5, 4, 35, 24)
	for y := range 20 {
		for x := range 30 {
			if got.RGBAAt(x, y) != src.RGBAAt(x+5, y+4) {
				t.Fatalf("pixel %d,%d is %v, the picture has %v", x, y, got.RGBAAt(x, y), src.RGBAAt(x+5, y+4))
			}
		}
	}
	shifted := scaledPicture(dr, src, picFit{mode: "cover"}, 5.5, 4, 35.5, 24)
	same := true
	for y := range 20 {
		for x := range 30 {
			same = same && shifted.RGBAAt(x, y) == color.RGBA(src.RGBAAt(x+5, y+4))
		}
	}
	if same {
		t.Error("a picture shown from half a pixel in was copied, not resampled")
	}
}
