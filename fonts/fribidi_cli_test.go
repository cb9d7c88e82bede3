package fonts

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestVisualOrderMatchesFriBidiCommand compares the visual order of the
// words of every mixed-direction headline of the multilingual corpus with
// the one GNU FriBidi's command gives (Debian's libfribidi-bin, installed
// by .ci/run) for the same paragraph direction.
func TestVisualOrderMatchesFriBidiCommand(t *testing.T) {
	bin, err := exec.LookPath("fribidi")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must have the fribidi command (Debian: libfribidi-bin)")
		}
		t.Skip("no fribidi command (Debian: libfribidi-bin)")
	}
	data, err := os.ReadFile("../testdata/multilingual/headlines.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Headlines []struct {
			Name, Title string
			Mixed       bool
		}
	}
	if err := json.Unmarshal(data, &corpus); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, h := range corpus.Headlines {
		if !h.Mixed {
			continue
		}
		checked++
		t.Run(h.Name, func(t *testing.T) {
			rtl := IsRTL(h.Title)
			want := fribidiVisual(t, bin, h.Title, rtl)
			got := visualText(h.Title, rtl)
			if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(want), " ") {
				t.Errorf("rtl %v, visual order:\n got %q\nwant %q (fribidi)", rtl, got, want)
			}
		})
	}
	if checked < 10 {
		t.Errorf("%d mixed-direction headlines, want at least 10", checked)
	}
}

// fribidiVisual asks the fribidi command for the visual-to-logical map
// of text and applies it, so Arabic shaping and mirroring (which fribidi
// does and ogcard leaves to the shaper) do not enter the comparison.
func fribidiVisual(t *testing.T, bin, text string, rtl bool) string {
	t.Helper()
	dir := "--ltr"
	if rtl {
		dir = "--rtl"
	}
	cmd := exec.Command(bin, "--nobreak", "--nopad", dir, "--vtol", "--novisual")
	cmd.Stdin = strings.NewReader(text + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fribidi: %v", err)
	}
	runes := []rune(text)
	var b strings.Builder
	for _, f := range strings.Fields(string(out)) {
		i, err := strconv.Atoi(f)
		if err != nil || i < 0 || i >= len(runes) {
			t.Fatalf("fribidi printed %q", out)
		}
		b.WriteRune(runes[i])
	}
	return b.String()
}
