package typeset

import (
	"math"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/fonts"
)

func font(t testing.TB, weight int) *fonts.Font {
	t.Helper()
	reg, err := fonts.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := reg.Lookup("Noto Sans", weight, false)
	if !ok {
		t.Fatal("Noto Sans not embedded")
	}
	return f
}

const headline = "Scientists discover a glowing deep-sea octopus near the Mariana Trench, raising new questions about bioluminescence and how life adapts to crushing pressure"

// The shipped fonts must kern: the DESIGN notes found a font where the
// pure-Go shaper dropped most pairs.
func TestShippedFontsKern(t *testing.T) {
	for _, weight := range []int{400, 700} {
		f := font(t, weight)
		for _, pair := range []string{"AV", "To", "Wa", "Ty", "LT", "Yo"} {
			whole, _ := f.Advance(pair)
			a, _ := f.Advance(pair[:1])
			b, _ := f.Advance(pair[1:])
			if whole >= a+b-0.01 {
				t.Errorf("weight %d: %q is %.3f em, unkerned %.3f em: no kerning", weight, pair, whole, a+b)
			}
		}
	}
}

func TestWrapFitsWidth(t *testing.T) {
	f := font(t, 700)
	for _, width := range []float64{1080, 700, 300, 120} {
		b, err := Layout(headline, Params{Font: f, Size: 50, MaxWidth: width})
		if err != nil {
			t.Fatal(err)
		}
		var joined strings.Builder
		for _, l := range b.Lines {
			if l.Width > width+0.5 {
				t.Errorf("width %v: line %q is %.1f px wide", width, l.Text, l.Width)
			}
			joined.WriteString(l.Text)
		}
		noSpace := strings.ReplaceAll(headline, " ", "")
		if got := strings.ReplaceAll(joined.String(), " ", ""); got != noSpace {
			t.Errorf("width %v: lines do not rejoin to the text:\n%s", width, got)
		}
	}
}

func TestClampWithEllipsis(t *testing.T) {
	b, err := Layout(headline, Params{Font: font(t, 700), Size: 50, MaxWidth: 1080, MaxLines: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Lines) != 3 || !b.Truncated {
		t.Fatalf("got %d lines (truncated %v), want 3 truncated", len(b.Lines), b.Truncated)
	}
	last := b.Lines[2]
	if !strings.HasSuffix(last.Text, Ellipsis) || last.Width > 1080 {
		t.Errorf("last line %q (%.0f px) should end in an ellipsis within 1080 px", last.Text, last.Width)
	}
	if strings.HasSuffix(last.Text, " "+Ellipsis) || strings.HasSuffix(last.Text, ","+Ellipsis) {
		t.Errorf("last line %q leaves a space or comma before the ellipsis", last.Text)
	}
}

func TestLongWordBreaksInside(t *testing.T) {
	word := "https://example.com/" + strings.Repeat("verylongpath", 12)
	b, err := Layout("See "+word, Params{Font: font(t, 400), Size: 40, MaxWidth: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Lines) < 3 {
		t.Fatalf("got %d lines, want the URL broken over several", len(b.Lines))
	}
	for _, l := range b.Lines {
		if l.Width > 500.5 {
			t.Errorf("line %q is %.1f px wide, over 500", l.Text, l.Width)
		}
	}
}

func TestBrokenWordKeepsNextWordApart(t *testing.T) {
	b, _ := Layout("Supercalifragilistic is", Params{Font: font(t, 400), Size: 40, MaxWidth: 200})
	last := b.Lines[len(b.Lines)-1].Text
	if !strings.HasSuffix(last, " is") {
		t.Errorf("lines %+v: the word after a broken one lost its space", b.Lines)
	}
}

func TestNarrowBoxStillProgresses(t *testing.T) {
	b, err := Layout("Wide words", Params{Font: font(t, 400), Size: 40, MaxWidth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(b.Lines); got != 9 { // one cluster per line, the space dropped
		t.Errorf("got %d lines, want 9", got)
	}
}

func TestAutoFit(t *testing.T) {
	f := font(t, 700)
	p := Params{Font: f, Size: 80, MinSize: 30, MaxWidth: 1080, MaxLines: 3}
	b, err := Layout(headline, p)
	if err != nil {
		t.Fatal(err)
	}
	if b.Truncated || b.Size >= 80 || b.Size < 30 || len(b.Lines) > 3 {
		t.Fatalf("got size %v, %d lines, truncated %v; want it shrunk to fit 3 lines", b.Size, len(b.Lines), b.Truncated)
	}
	// One pixel larger must not fit: the search returns the largest size.
	bigger := p
	bigger.Size, bigger.MinSize = b.Size+1, 0
	if nb, _ := Layout(headline, bigger); !nb.Truncated {
		t.Errorf("size %v also fits; auto-fit should have chosen it", b.Size+1)
	}
	short, _ := Layout("Short", p)
	if short.Size != 80 {
		t.Errorf("short text got size %v, want the full 80", short.Size)
	}
}

func TestAutoFitFallsBackToEllipsis(t *testing.T) {
	long := strings.Repeat(headline+" ", 4)
	b, err := Layout(long, Params{Font: font(t, 700), Size: 60, MinSize: 40, MaxWidth: 1080, MaxLines: 3})
	if err != nil {
		t.Fatal(err)
	}
	if b.Size != 40 || !b.Truncated || len(b.Lines) != 3 {
		t.Errorf("got size %v, %d lines, truncated %v; want 40, 3, true", b.Size, len(b.Lines), b.Truncated)
	}
}

func TestMaxHeightLimitsLines(t *testing.T) {
	b, _ := Layout(headline, Params{Font: font(t, 700), Size: 50, LineHeight: 1.2, MaxWidth: 600, MaxHeight: 130})
	if len(b.Lines) != 2 || !b.Truncated {
		t.Errorf("got %d lines, want 2 (130 px holds two 60 px lines)", len(b.Lines))
	}
}

func TestHardBreaksAndWhitespace(t *testing.T) {
	b, _ := Layout("  one \t two\nthree  ", Params{Font: font(t, 400), Size: 20, MaxWidth: 1000})
	if len(b.Lines) != 2 || b.Lines[0].Text != "one two" || b.Lines[1].Text != "three" {
		t.Errorf("got %+v, want [one two] [three]", b.Lines)
	}
	empty, _ := Layout(" \n ", Params{Font: font(t, 400), Size: 20, MaxWidth: 1000})
	if len(empty.Lines) != 0 {
		t.Errorf("blank text gave %d lines", len(empty.Lines))
	}
}

// Spaces of other widths keep them: an em space is an em, an en space
// half, and so on (the widths Noto Sans gives them), none collapsed to a
// word space (0.26 em).
func TestSpacesKeepTheirWidths(t *testing.T) {
	f := font(t, 400)
	word, _ := f.Advance("a b")
	for _, c := range []struct {
		space string
		em    float64
	}{
		{"\u2002", 0.5}, {"\u2003", 1}, {"\u2004", 1.0 / 3}, {"\u2005", 0.25}, {"\u2006", 1.0 / 6},
		{"\u2007", 0.572}, {"\u2008", 0.268}, {"\u2009", 0.166}, {"\u200a", 0.1}, {"\u202f", 0.166},
		{"\u205f", 0.222},
	} {
		b, err := Layout("a"+c.space+"b", Params{Font: f, Size: 100, MaxWidth: 1000})
		if err != nil || len(b.Lines) != 1 {
			t.Fatalf("%U: %v, %d lines", []rune(c.space)[0], err, len(b.Lines))
		}
		if b.Lines[0].Text != "a"+c.space+"b" {
			t.Errorf("%U became %q", []rune(c.space)[0], b.Lines[0].Text)
		}
		got := b.Lines[0].Width / 100
		if math.Abs(got-(word-spaceWidth(t, f)+c.em)) > 0.005 {
			t.Errorf("%U: a+space+b is %.3f em, want a space of %.3f em", []rune(c.space)[0], got, c.em)
		}
	}
}

func spaceWidth(t *testing.T, f *fonts.Font) float64 {
	w, err := f.Advance(" ")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestLetterSpacingWidens(t *testing.T) {
	f := font(t, 700)
	plain, _ := Layout("NEWSDAILY", Params{Font: f, Size: 22})
	spaced, _ := Layout("NEWSDAILY", Params{Font: f, Size: 22, LetterSpacing: 1})
	if d := spaced.Lines[0].Width - plain.Lines[0].Width; d < 7.9 || d > 8.1 {
		t.Errorf("1 px spacing over 9 letters widened by %.2f px, want 8", d)
	}
}

func BenchmarkLayoutHeadline(b *testing.B) {
	f := font(b, 700)
	p := Params{Font: f, Size: 64, MinSize: 36, MaxWidth: 1080, MaxLines: 3}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Layout(headline, p); err != nil {
			b.Fatal(err)
		}
	}
}

// An emoji with a skin tone is no hard line break (uniseg says it is).
func TestSkinToneIsNoLineBreak(t *testing.T) {
	b, err := Layout("tones 👍🏽👋🏿 keycaps", Params{Font: font(t, 400), Size: 20, MaxWidth: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Lines) != 1 {
		t.Errorf("got lines %+v, want one line", b.Lines)
	}
}
