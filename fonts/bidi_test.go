package fonts

import (
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
	} {
		if got := IsRTL(text); got != want {
			t.Errorf("IsRTL(%q) = %v, want %v", text, got, want)
		}
	}
}
