package typeset

import (
	"strings"
	"testing"
)

// One run over any text normalizes exactly as plain text does.
func TestNormalizeRunsMatchesNormalize(t *testing.T) {
	for _, s := range []string{
		"", "  a  b  ", "a\n\nb", "\n\n a \t b \n\n", "a\r\nb", "a\rb", "a  \n  b",
		"x\u2028y", "en\u2002space", "  \n  ", "tab\tand\u0085nel", headline,
	} {
		got, runs := normalizeRuns(s, []Run{{Len: len(s)}})
		if want := normalize(s); got != want {
			t.Errorf("%q: normalizeRuns %q, normalize %q", s, got, want)
		}
		if runs[0].Len != len(got) {
			t.Errorf("%q: run covers %d bytes of %d", s, runs[0].Len, len(got))
		}
	}
}

// White space collapses across a run edge, and each run keeps its own
// characters.
func TestNormalizeRunsAcrossEdges(t *testing.T) {
	parts := []string{"  by ", " Amara ", "", "· 5 min  "}
	runs := make([]Run, len(parts))
	for i, p := range parts {
		runs[i].Len = len(p)
	}
	got, norm := normalizeRuns(strings.Join(parts, ""), runs)
	if got != "by Amara · 5 min" {
		t.Fatalf("normalized %q", got)
	}
	var back []string
	at := 0
	for _, r := range norm {
		back = append(back, got[at:at+r.Len])
		at += r.Len
	}
	if want := []string{"by ", "Amara ", "", "· 5 min"}; strings.Join(back, "|") != strings.Join(want, "|") {
		t.Errorf("runs cover %q, want %q", back, want)
	}
}

func richParams(t *testing.T, parts []string, scales []float64) (string, Params) {
	t.Helper()
	regular, bold := font(t, 400), font(t, 700)
	p := Params{Size: 40, MaxWidth: 500}
	for i, s := range parts {
		f := Measurer(regular)
		if i%2 == 1 {
			f = bold
		}
		p.Runs = append(p.Runs, Run{Len: len(s), Font: f, Scale: scales[i]})
	}
	return strings.Join(parts, ""), p
}

// Runs wrap as one paragraph: a line breaks inside a run and lines go on
// across run edges; every line fits, and the pieces give back the text
// with each piece in its own run.
func TestRunsWrapAsOneParagraph(t *testing.T) {
	parts := []string{"Written by ", "Amara Okafor", " for the weekend edition, with photographs by ", "Jon Bell"}
	text, p := richParams(t, parts, []float64{1, 1, 1, 1})
	b, err := Layout(text, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Lines) < 3 {
		t.Fatalf("%d lines, want at least 3 at 500 px", len(b.Lines))
	}
	var joined []string
	for i, l := range b.Lines {
		if l.Width > p.MaxWidth+0.5 {
			t.Errorf("line %q is %.1f px wide", l.Text, l.Width)
		}
		var line strings.Builder
		for _, pc := range b.Pieces(i) {
			if !strings.Contains(parts[pc.Run], strings.TrimSpace(pc.Text)) {
				t.Errorf("piece %q is not part of run %d %q", pc.Text, pc.Run, parts[pc.Run])
			}
			line.WriteString(pc.Text)
		}
		if line.String() != l.Text {
			t.Errorf("pieces make %q, line is %q", line.String(), l.Text)
		}
		joined = append(joined, l.Text)
	}
	if got := strings.Join(joined, " "); got != strings.Join(parts, "") {
		t.Errorf("lines rejoin to %q", got)
	}
}

// The bold run is measured in bold: the same words are wider than in
// regular, so the paragraph's width depends on the runs' fonts.
func TestRunsMeasureInTheirOwnFont(t *testing.T) {
	text, p := richParams(t, []string{"Amara Okafor", "Amara Okafor"}, []float64{1, 1})
	p.MaxWidth = 0
	b, err := Layout(text, p)
	if err != nil {
		t.Fatal(err)
	}
	plainRegular, _ := Layout("Amara OkaforAmara Okafor", Params{Font: font(t, 400), Size: 40})
	if b.Lines[0].Width <= plainRegular.Lines[0].Width+1 {
		t.Errorf("with a bold half %.1f px, all regular %.1f px: the bold run was not measured in bold", b.Lines[0].Width, plainRegular.Lines[0].Width)
	}
}

// The line height follows the largest run, and auto-fit scales every run
// together.
func TestRunsLineHeightAndAutoFit(t *testing.T) {
	text, p := richParams(t, []string{"$103.20 ", "$129.00"}, []float64{1.5, 0.75})
	p.MaxWidth = 0
	b, err := Layout(text, p)
	if err != nil {
		t.Fatal(err)
	}
	if b.Largest != 60 || b.LineHeight != 60*1.2 {
		t.Errorf("largest %v, line height %v; want 60 and 72", b.Largest, b.LineHeight)
	}
	p.MaxWidth, p.MinSize, p.MaxLines = b.Lines[0].Width*0.7, 10, 1
	fit, err := Layout(text, p)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Size >= 40 || fit.Truncated || len(fit.Lines) != 1 || fit.Lines[0].Width > p.MaxWidth+0.5 {
		t.Errorf("auto-fit: size %v, truncated %v, lines %v within %.1f", fit.Size, fit.Truncated, fit.Lines, p.MaxWidth)
	}
	if fit.Largest != fit.Size*1.5 {
		t.Errorf("auto-fit: largest %v at size %v, want 1.5x", fit.Largest, fit.Size)
	}
}

// An ellipsis that cuts a paragraph in its second run ends the last line
// in that run's style.
func TestRunsEllipsis(t *testing.T) {
	parts := []string{"Short lead ", "and a very long bold tail that cannot possibly fit on the one line allowed"}
	text, p := richParams(t, parts, []float64{1, 1})
	p.MaxLines = 1
	b, err := Layout(text, p)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Truncated || len(b.Lines) != 1 || !strings.HasSuffix(b.Lines[0].Text, Ellipsis) {
		t.Fatalf("block %+v: want one ellipsized line", b.Lines)
	}
	pieces := b.Pieces(0)
	last := pieces[len(pieces)-1]
	if last.Run != 1 || !strings.HasSuffix(last.Text, Ellipsis) {
		t.Errorf("pieces %+v: want the ellipsis at the end of run 1", pieces)
	}
	if b.Lines[0].Width > p.MaxWidth+0.5 {
		t.Errorf("ellipsized line is %.1f px wide", b.Lines[0].Width)
	}
}
