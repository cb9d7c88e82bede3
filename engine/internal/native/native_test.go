package native

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"hash/adler32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"testing"
)

// require skips a test whose library is missing, except in CI, which
// installs them (libturbojpeg0, libdeflate0): there, missing is a failure.
func require(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI must have the library: %v", err)
	}
	t.Skipf("library not installed: %v", err)
}

func photo(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../../testdata/bg.jpg")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeJPEGScales(t *testing.T) {
	require(t, TurboJPEG())
	data := photo(t)
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, num := range []int{8, 4, 2, 1} {
		img, err := DecodeJPEG(image.NewRGBA, data, num)
		if err != nil {
			t.Fatalf("%d/8: %v", num, err)
		}
		w, h := ScaledSize(1600, 900, num)
		if img.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("%d/8: bounds %v, want %dx%d", num, img.Bounds(), w, h)
		}
		if !img.Opaque() {
			t.Errorf("%d/8: a JPEG decodes opaque", num)
		}
		// Each pixel should be close to the mean of the block of the
		// full-size image it stands for.
		if d := meanDiff(ref, img, 8/num); d > 6 {
			t.Errorf("%d/8: mean difference %.1f from image/jpeg's decode", num, d)
		}
	}
}

// meanDiff compares small with big sampled every step pixels.
func meanDiff(big image.Image, small *image.RGBA, step int) float64 {
	var sum, n float64
	b := small.Bounds()
	for y := 0; y < b.Dy(); y += 7 {
		for x := 0; x < b.Dx(); x += 7 {
			var r0, g0, b0 float64
			for dy := range step {
				for dx := range step {
					c := color.RGBAModel.Convert(big.At(x*step+dx, y*step+dy)).(color.RGBA)
					r0, g0, b0 = r0+float64(c.R), g0+float64(c.G), b0+float64(c.B)
				}
			}
			k := float64(step * step)
			c := small.RGBAAt(x, y)
			sum += abs64(r0/k-float64(c.R)) + abs64(g0/k-float64(c.G)) + abs64(b0/k-float64(c.B))
			n += 3
		}
	}
	return sum / n
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestDecodeJPEGRejectsGarbage(t *testing.T) {
	require(t, TurboJPEG())
	for name, data := range map[string][]byte{
		"empty":       nil,
		"not jpeg":    []byte("GIF89a, not a jpeg at all"),
		"header only": photo(t)[:200],
		"truncated":   photo(t)[:len(photo(t))/2],
	} {
		if _, err := DecodeJPEG(image.NewRGBA, data, 8); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

func TestEncodeJPEG(t *testing.T) {
	require(t, TurboJPEG())
	src, err := DecodeJPEG(image.NewRGBA, photo(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	prefix := []byte("keep")
	out, err := EncodeJPEG(prefix, src, 85)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, prefix) {
		t.Fatal("EncodeJPEG must append to dst")
	}
	back, err := jpeg.Decode(bytes.NewReader(out[len(prefix):]))
	if err != nil {
		t.Fatalf("image/jpeg cannot read it: %v", err)
	}
	if back.Bounds() != src.Bounds() {
		t.Fatalf("bounds %v, want %v", back.Bounds(), src.Bounds())
	}
	if d := meanDiff(back, src, 1); d > 3 {
		t.Errorf("mean difference %.1f after a q85 round trip", d)
	}
	if _, err := EncodeJPEG(nil, image.NewRGBA(image.Rect(0, 0, 0, 0)), 80); err == nil {
		t.Error("an empty image encoded without an error")
	}
}

func TestZlib(t *testing.T) {
	require(t, Libdeflate())
	in := bytes.Repeat([]byte("ogcard draws cards; "), 5000)
	in = append(in, photo(t)[:50000]...)
	for _, level := range []int{1, 6, 12} {
		out, err := Zlib([]byte("x"), in, level)
		if err != nil {
			t.Fatal(err)
		}
		r, err := zlib.NewReader(bytes.NewReader(out[1:]))
		if err != nil {
			t.Fatalf("level %d: not a zlib stream: %v", level, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("level %d: round trip failed (%v)", level, err)
		}
	}
	if out, err := Zlib(nil, nil, 1); err != nil || len(out) == 0 {
		t.Errorf("empty input: %v, %d bytes", err, len(out))
	}
}

func TestDeflateAndAdler32(t *testing.T) {
	require(t, Libdeflate())
	in := bytes.Repeat([]byte("ogcard draws cards; "), 5000)
	in = append(in, photo(t)[:50000]...)
	out, err := Deflate([]byte("x"), in, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(out[1:])))
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("raw deflate round trip failed (%v)", err)
	}
	// Adler-32 continued over two halves is the checksum of the whole.
	half := len(in) / 3
	if got, want := Adler32(Adler32(1, in[:half]), in[half:]), adler32.Checksum(in); got != want {
		t.Errorf("Adler32 = %08x, hash/adler32 says %08x", got, want)
	}
	if got := Adler32(7, nil); got != 7 {
		t.Errorf("Adler32 over nothing changed the checksum to %d", got)
	}
}
