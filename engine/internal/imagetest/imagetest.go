// Package imagetest compares rendered cards with golden PNGs, pixel by
// pixel with a tolerance, the way Hugo's imagetesting and Go's
// image/jpeg tests do: never by encoded bytes, which change with encoder
// versions while the picture does not.
//
// Run the tests with -update to rewrite the goldens. When a comparison
// fails, the actual image and a diff image (changed pixels in red over a
// faded copy of the golden) are written next to the golden, for a look.
package imagetest

import (
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Update rewrites golden files instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite golden PNGs under testdata/ instead of comparing")

// Tolerance says how different two images may be and still match.
type Tolerance struct {
	// PixelDelta is the largest per-channel difference (0-255) that still
	// counts a pixel as equal: anti-aliasing may move by a level or two
	// between platforms.
	PixelDelta int
	// MaxDiffPixels is the share of pixels (0-1) allowed to differ by more.
	MaxDiffPixels float64
}

// DefaultTolerance allows small anti-aliasing differences, nothing a
// person would see.
var DefaultTolerance = Tolerance{PixelDelta: 8, MaxDiffPixels: 0.002}

// Result is the outcome of comparing two images.
type Result struct {
	DiffPixels int     // pixels differing by more than PixelDelta
	Total      int     // pixels compared
	MaxDelta   int     // largest channel difference seen
	MeanDelta  float64 // mean absolute channel difference
}

// Compare compares two images of the same size. diff marks changed pixels.
func Compare(want, got image.Image, tol Tolerance) (Result, *image.RGBA, error) {
	if want.Bounds().Size() != got.Bounds().Size() {
		return Result{}, nil, fmt.Errorf("size %v, want %v", got.Bounds().Size(), want.Bounds().Size())
	}
	w, g := toRGBA(want), toRGBA(got)
	diff := image.NewRGBA(w.Bounds())
	res := Result{Total: len(w.Pix) / 4}
	sum := 0
	for i := 0; i < len(w.Pix); i += 4 {
		pixMax := 0
		for c := range 4 {
			d := abs(int(w.Pix[i+c]) - int(g.Pix[i+c]))
			sum += d
			pixMax = max(pixMax, d)
		}
		res.MaxDelta = max(res.MaxDelta, pixMax)
		if pixMax > tol.PixelDelta {
			res.DiffPixels++
			copy(diff.Pix[i:i+4], []uint8{255, 0, 0, 255})
		} else {
			y := uint8((int(w.Pix[i]) + int(w.Pix[i+1]) + int(w.Pix[i+2])) / 12)
			copy(diff.Pix[i:i+4], []uint8{y, y, y, 255})
		}
	}
	res.MeanDelta = float64(sum) / float64(len(w.Pix))
	return res, diff, nil
}

// AssertGolden compares got with the golden PNG at path (creating it with
// -update). On a mismatch it writes path's .actual.png and .diff.png.
func AssertGolden(t testing.TB, path string, got image.Image, tol Tolerance) {
	t.Helper()
	if *Update {
		if err := WritePNG(path, got); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := ReadPNG(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	res, diff, err := Compare(want, got, tol)
	base := strings.TrimSuffix(path, ".png")
	if err != nil {
		_ = WritePNG(base+".actual.png", got)
		t.Fatalf("%s: %v; wrote %s.actual.png", path, err, base)
	}
	if float64(res.DiffPixels) > tol.MaxDiffPixels*float64(res.Total) {
		_ = WritePNG(base+".actual.png", got)
		_ = WritePNG(base+".diff.png", diff)
		t.Errorf("%s: %d of %d pixels differ by more than %d (max %d, mean %.3f); see %s.actual.png and %s.diff.png",
			path, res.DiffPixels, res.Total, tol.PixelDelta, res.MaxDelta, res.MeanDelta, base, base)
		return
	}
	_ = os.Remove(base + ".actual.png")
	_ = os.Remove(base + ".diff.png")
}

// ReadPNG reads a PNG file.
func ReadPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only
	return png.Decode(f)
}

// WritePNG writes img as a PNG file, creating its folder.
func WritePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	r := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(r, r.Bounds(), img, img.Bounds().Min, draw.Src)
	return r
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
