package engine

import (
	"bytes"
	"image"
	"os"
	"testing"
)

func TestDecodeHintTarget(t *testing.T) {
	for _, tc := range []struct {
		hint        DecodeHint
		w, h        int
		tw, th      int
		shrink      bool
		jpegEighths int
	}{
		{DecodeHint{}, 1600, 900, 1600, 900, false, 8},
		{DecodeHint{1200, 630, "cover"}, 1600, 900, 1200, 675, true, 8},
		{DecodeHint{1200, 630, "contain"}, 1600, 900, 1120, 630, true, 8},
		{DecodeHint{1200, 630, "fill"}, 1600, 900, 1200, 630, true, 8},
		{DecodeHint{1200, 630, "cover"}, 4000, 3000, 1200, 900, true, 4},   // 2/8, 1000x750, would not cover 1200x900
		{DecodeHint{120, 63, "cover"}, 1600, 900, 120, 68, true, 1},        // 1/8 = 200x113 still covers
		{DecodeHint{2400, 1260, "cover"}, 1600, 900, 2240, 1260, false, 8}, // enlarged later, never at load
		{DecodeHint{1200, 630, "fill"}, 1000, 900, 1200, 630, false, 8},    // one axis grows: no shrink
	} {
		tw, th, shrink := tc.hint.target(tc.w, tc.h)
		if tc.shrink && (tw != tc.tw || th != tc.th) || shrink != tc.shrink {
			t.Errorf("%+v on %dx%d: target %dx%d shrink %v, want %dx%d %v", tc.hint, tc.w, tc.h, tw, th, shrink, tc.tw, tc.th, tc.shrink)
		}
		if got := tc.hint.jpegEighths(tc.w, tc.h); got != tc.jpegEighths {
			t.Errorf("%+v on %dx%d: decoded at %d/8, want %d/8", tc.hint, tc.w, tc.h, got, tc.jpegEighths)
		}
	}
}

// TestDecodeImageForFits checks that a picture comes back the size its box
// shows it at, with or without libjpeg-turbo, and not enlarged.
func TestDecodeImageForFits(t *testing.T) {
	data, err := os.ReadFile("../testdata/bg.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for hint, want := range map[DecodeHint]image.Point{
		{}:                    {1600, 900},
		{1200, 630, "cover"}:  {1200, 675},
		{300, 300, "contain"}: {300, 169},
		{120, 63, "cover"}:    {120, 68},
		{3200, 1800, "cover"}: {1600, 900},
	} {
		img, err := DecodeImageFor(bytes.NewReader(data), 0, hint)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got != want {
			t.Errorf("%+v: %v, want %v", hint, got, want)
		}
	}
}
