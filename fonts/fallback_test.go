package fonts

import (
	"testing"
)

// runFonts names the font of each run of text, in logical order.
func runFonts(t *testing.T, s *Stack, text string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range s.fontRuns(text, IsRTL(text)) {
		name := "emoji"
		if r.font != nil {
			name = r.font.Family
		}
		out[r.text] = name
	}
	return out
}

func defaultStack(t *testing.T, weight int) *Stack {
	t.Helper()
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := r.Stack(DefaultFamily, weight, false)
	if !ok {
		t.Fatal("no default stack")
	}
	return s
}

// Symbols that Noto Sans lacks come from the embedded symbols fonts, one
// character at a time; the punctuation Noto Sans has stays in it.
func TestSymbolsFallBackPerCharacter(t *testing.T) {
	s := defaultStack(t, 700)
	text := "Rated ★★★☆ → ✓ ∞, done."
	if missing := s.Missing(text); len(missing) > 0 {
		t.Fatalf("no glyph for %q", string(missing))
	}
	got := runFonts(t, s, text)
	for run, want := range map[string]string{
		"★★★☆": "Noto Sans Symbols2", "✓": "Noto Sans Symbols2", "→": "Noto Sans Math", "∞": "Noto Sans Math",
		", done.": "Noto Sans", " ": "Noto Sans",
	} {
		if got[run] != want {
			t.Errorf("%q set in %q, want %q (runs: %q)", run, got[run], want, got)
		}
	}
}

// Punctuation and digits the current script's font has stay in its run,
// so a line of Arabic keeps its own spacing and comma.
func TestNeutralsStayInTheScriptFont(t *testing.T) {
	s := defaultStack(t, 400)
	got := runFonts(t, s, "مرحبا، عالم ٢٠٢٥.")
	if len(got) != 1 || got["مرحبا، عالم ٢٠٢٥."] != "Noto Sans Arabic" {
		t.Errorf("runs %q, want one run in Noto Sans Arabic", got)
	}
}

// The katakana prolonged sound mark (U+30FC) and the ideographic space
// are script-neutral (Common): they come from the CJK font, which has
// them, not from the primary face's missing-glyph box.
func TestKatakanaProlongedMarkFromCJKFont(t *testing.T) {
	r, _ := Default()
	requireSystemFonts(t, r)
	s := defaultStack(t, 700)
	text := "モンスーンの雨が早く到来\u3000ニュース"
	if missing := s.Missing(text); len(missing) > 0 {
		t.Fatalf("no glyph for %q", string(missing))
	}
	for run, family := range runFonts(t, s, text) {
		if family != "Noto Sans CJK" {
			t.Errorf("%q set in %s, want Noto Sans CJK", run, family)
		}
	}
	cjk := s.fonts[len(s.fonts)-1]
	if w, err := cjk.Advance("\u3000"); err != nil || w != 1 {
		t.Errorf("ideographic space is %v em (%v), want 1", w, err)
	}
}

// Colour emoji draw with no system font: Noto Color Emoji is embedded.
func TestEmbeddedEmoji(t *testing.T) {
	e := embeddedEmoji()
	for _, cluster := range []string{"🐙", "👨‍🔬", "🇯🇵", "💪🏽"} {
		if !e.IsEmoji(cluster) {
			t.Errorf("%q is not drawn as an emoji", cluster)
		}
	}
	glyphs, err := e.Shape("👨‍🔬")
	if err != nil || len(glyphs) != 1 {
		t.Fatalf("a ZWJ sequence shaped into %d glyphs (%v), want 1", len(glyphs), err)
	}
	img, _, err := e.Image(glyphs[0].ID, 48)
	if err != nil || img == nil || img.Bounds().Dx() < 40 {
		t.Errorf("bitmap %v, %v: want about 48 px", img.Bounds(), err)
	}
}
