package engine

import (
	"image/color"
	"math/rand/v2"
	"testing"
)

// TestBlendRowMatchesBlendOver checks the table-and-runs fast path against
// the per-pixel rule on a row that mixes runs of one colour with noise, for
// every alpha, so a rounding slip in the table or a stale run shows.
func TestBlendRowMatchesBlendOver(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	row := make([]uint8, 4*300)
	for i := 0; i < len(row); i += 4 {
		if i >= 4 && rng.IntN(3) > 0 { // a run: repeat the left pixel
			copy(row[i:i+4], row[i-4:i])
			continue
		}
		a := uint8(rng.IntN(256))
		row[i], row[i+1], row[i+2], row[i+3] = uint8(rng.IntN(int(a)+1)), uint8(rng.IntN(int(a)+1)), uint8(rng.IntN(int(a)+1)), a
	}
	for alpha := range 256 {
		c := color.RGBA{uint8(alpha / 3), uint8(alpha / 2), uint8(alpha), uint8(alpha)}
		got := append([]uint8(nil), row...)
		blendRow(got, c)
		want := append([]uint8(nil), row...)
		for i := 0; i < len(want); i += 4 {
			blendOver(want[i:i+4], c)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("alpha %d: byte %d is %d, blendOver gives %d", alpha, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkBlendRow(b *testing.B) {
	flat := make([]uint8, 4*1200)
	for i := 0; i < len(flat); i += 4 {
		flat[i], flat[i+1], flat[i+2], flat[i+3] = 0x1b, 0x24, 0x33, 0xff
	}
	rng := rand.New(rand.NewPCG(3, 4))
	photo := make([]uint8, 4*1200)
	for i := range photo {
		photo[i] = uint8(rng.IntN(256))
	}
	for i := 3; i < len(photo); i += 4 {
		photo[i] = 0xff
	}
	c := color.RGBA{0, 0, 0, 0x80}
	for _, tc := range []struct {
		name string
		row  []uint8
	}{{"flat", flat}, {"photo", photo}} {
		b.Run(tc.name, func(b *testing.B) {
			row := make([]uint8, len(tc.row))
			for b.Loop() {
				copy(row, tc.row)
				blendRow(row, c)
			}
		})
	}
}
