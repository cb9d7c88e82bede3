package emoji

import "testing"

func benchmarkImage(b *testing.B, reset func(*Font)) {
	f := noto(b)
	gs, err := f.Shape("😀")
	if err != nil || len(gs) != 1 {
		b.Fatalf("Shape: %v %v", gs, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		reset(f)
		if _, _, err := f.Image(gs[0].ID, 50); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImageCached(b *testing.B) { benchmarkImage(b, func(*Font) {}) }

// BenchmarkImageScaleOnly misses the scaled cache but hits the decoded PNG.
func BenchmarkImageScaleOnly(b *testing.B) {
	benchmarkImage(b, func(f *Font) { f.scaled.Clear() })
}

// BenchmarkImageUncached decodes the PNG and scales it every time.
func BenchmarkImageUncached(b *testing.B) {
	benchmarkImage(b, func(f *Font) { f.scaled.Clear(); f.decoded.Clear() })
}

func BenchmarkShape(b *testing.B) {
	f := noto(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Shape("👨‍👩‍👧‍👦👍🏽🇯🇵"); err != nil {
			b.Fatal(err)
		}
	}
}
