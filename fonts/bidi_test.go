package fonts

import (
	"slices"
	"strings"
	"testing"
)

// Runs come out in visual order, left to right.
func TestBidiRunsVisualOrder(t *testing.T) {
	cases := []struct {
		text string
		rtl  bool
		want []string
	}{
		{"hello world", false, []string{"hello world"}},
		{"شركة Apple تطلق iOS 18.2 اليوم", true, []string{" اليوم", "iOS 18.2", " تطلق ", "Apple", "شركة "}},
		{"The word سلام means peace", false, []string{"The word ", "سلام", " means peace"}},
		{"تقنية 2025", true, []string{"2025", "تقنية "}},
		// A number with a terminator inside right-to-left text (issue 14):
		// FriBidi and Chromium draw "12 في $999 بسعر".
		{"Apple تعلن عن iPhone 17 بسعر 999$ في 12 دولة", false,
			[]string{"Apple ", "تعلن عن", " iPhone 17 ", " دولة", "12", "$ في ", "999", "بسعر "}},
	}
	for _, c := range cases {
		var got []string
		for _, r := range bidiRuns(c.text, c.rtl) {
			got = append(got, r.text)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

func TestIsRTL(t *testing.T) {
	for text, want := range map[string]bool{
		"Hello":           false,
		"مرحبا":           true,
		"123 שלום":        true, // digits are weak: the first strong character decides
		"«Apple» ثم عربي": false,
		"":                false,
		"2026 - 1,204 $!": false, // ASCII with no letter: no strong character
	} {
		if got := IsRTL(text); got != want {
			t.Errorf("IsRTL(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestVisualTextKeepsNumbersWithTheirTerminators(t *testing.T) {
	got := visualText("Apple تعلن عن iPhone 17 بسعر 999$ في 12 دولة", false)
	want := "12 " + reverse("في") + " $999 " + reverse("بسعر")
	if !strings.Contains(got, want) {
		t.Errorf("visual order %q\nlacks %q", got, want)
	}
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// TestVisualSegmentsMatchVisualText: the segments, in order, cover every
// byte of the line once and spell the same visual order as the runs the
// plain text path draws; a line without right-to-left text is one segment.
func TestVisualSegmentsMatchVisualText(t *testing.T) {
	for _, tc := range []struct {
		line string
		rtl  bool
	}{
		{"Written by Amara", false},
		{"Written by أمارا أوكافور at نورثويند · 5 min read", false},
		{"عنوان عربي مع ogcard 2.0 وأرقام 123", true},
		{"שלום (world) עולם", true},
	} {
		segs := VisualSegments(tc.line, tc.rtl)
		covered := make([]int, len(tc.line))
		var visual strings.Builder
		for _, s := range segs {
			for i := s.Start; i < s.End; i++ {
				covered[i]++
			}
			runes := []rune(tc.line[s.Start:s.End])
			if s.RTL {
				slices.Reverse(runes)
			}
			visual.WriteString(string(runes))
		}
		for i, n := range covered {
			if n != 1 {
				t.Fatalf("%q: byte %d covered %d times by %+v", tc.line, i, n, segs)
			}
		}
		if got, want := visual.String(), visualText(tc.line, tc.rtl); got != want {
			t.Errorf("%q: segments spell %q, runs %q", tc.line, got, want)
		}
	}
	if segs := VisualSegments("Plain text", false); len(segs) != 1 || segs[0].RTL {
		t.Errorf("plain text: %+v, want one left-to-right segment", segs)
	}
	// Byte offsets, not rune offsets: the Arabic word is 10 bytes.
	line := "By أمارا now"
	want := []Segment{{0, 3, false}, {3, 13, true}, {13, len(line), false}}
	if got := VisualSegments(line, false); !slices.Equal(got, want) {
		t.Errorf("%q: %+v, want %+v", line, got, want)
	}
}
