package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/cards"
)

// warmFixture is a data folder holding photos/bg.jpg, a disk store, and
// a JSONL file of n cards using that photo plus extra raw lines.
func warmFixture(t *testing.T, n int, extra ...string) (dataDir, store, file string) {
	t.Helper()
	dataDir, store = t.TempDir(), t.TempDir()
	photo, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "bg.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dataDir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	bg := filepath.Join(dataDir, "photos", "bg.jpg")
	if err := os.WriteFile(bg, photo, 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"slug\": \"s%d\", \"title\": \"Card %d from the command line\", \"imageUrl\": %q}\n", i, i, bg)
	}
	for _, l := range extra {
		b.WriteString(l + "\n")
	}
	file = filepath.Join(t.TempDir(), "cards.jsonl")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dataDir, "file://" + store, file
}

func TestWarmCommand(t *testing.T) {
	dataDir, store, file := warmFixture(t, 4)
	args := []string{"warm", "--layout", "news", "--source", file, "--data-dir", dataDir, "--cache-url", store, "--format", "webp,png", "--jobs", "2", "--progress-every", "1ms"}
	code, stdout, stderr := run(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{"warm news: 8 of 8 cards in ", "  rendered  8  (", "  skipped   0  (already in the store)", "  failed    0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary %q: want %q", stdout, want)
		}
	}
	if !strings.Contains(stderr, "warming news cards (webp, png) from "+file+" into "+store+", 2 at a time") {
		t.Errorf("stderr %q: want what is warmed into where", stderr)
	}
	if !strings.Contains(stderr, "\nwarm: ") || !strings.Contains(stderr, "/8 cards (") {
		t.Errorf("stderr %q: want plain progress lines (not a terminal)", stderr)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "demo.db")); err == nil {
		t.Error("warming from a file created the demo database")
	}

	code, stdout, stderr = run(t, args...)
	if code != 0 || !strings.Contains(stdout, "  rendered  0  (") || !strings.Contains(stdout, "  skipped   8  (already in the store)") {
		t.Errorf("second run: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

func TestWarmCommandVariant(t *testing.T) {
	dataDir, store, file := warmFixture(t, 2)
	code, stdout, stderr := run(t, "warm", "--layout", "news", "--variant", "square", "--source", file, "--data-dir", dataDir, "--cache-url", store, "--format", "jpeg", "--progress-every", "0")
	if code != 0 || !strings.Contains(stdout, "  rendered  2  (") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, _, stderr = run(t, "warm", "--layout", "news", "--variant", "round", "--source", file, "--data-dir", dataDir, "--cache-url", store)
	if code == 0 || !strings.Contains(stderr, `no variant "round"`) {
		t.Errorf("unknown variant: exit %d, %q", code, stderr)
	}
}

func TestWarmCommandFailuresExit1(t *testing.T) {
	dataDir, store, file := warmFixture(t, 2, `{"title": `, `{"brand": "no title"}`)
	code, stdout, stderr := run(t, "warm", "--layout", "news", "--source", file, "--data-dir", dataDir, "--cache-url", store, "--progress-every", "0", "--format", "webp")
	if code != 1 {
		t.Fatalf("exit %d; want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{
		"  rendered  2  (",
		"  failed    2\n",
		"    1 × malformed line\n        line 3: not JSON: unexpected EOF\n",
		"    1 × bad data in field \"title\"\n        line 4: is required\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary %q: want %q", stdout, want)
		}
	}
	if strings.Contains(stderr, "warm: ") {
		t.Errorf("stderr %q: --progress-every 0 should print no progress", stderr)
	}
}

func TestWarmCommandUsage(t *testing.T) {
	dataDir, store, file := warmFixture(t, 1)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no layout", []string{"--source", file}, 2, "ogcard warm: usage: --layout is required"},
		{"bad format", []string{"--layout", "news", "--source", file, "--format", "webp,gif"}, 2, `--format: unknown image format "gif"`},
		{"bad jobs", []string{"--layout", "news", "--source", file, "--jobs", "0"}, 2, "--jobs must be at least 1"},
		{"unknown flag", []string{"--layout", "news", "--nope"}, 2, "flag provided but not defined: -nope"},
		{"stray argument", []string{"--layout", "news", file}, 2, `unexpected argument "` + file + `"`},
		{"memory store", []string{"--layout", "news", "--source", file, "--cache-url", "mem://"}, 1, "nothing to warm into"},
		{"no such source", []string{"--layout", "news", "--source", "nope.jsonl"}, 1, `no source is named "nope.jsonl"`},
		{"http source", []string{"--layout", "news", "--config", httpSourceConfig(t)}, 1, `source "news" cannot list its cards`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"warm", "--data-dir", dataDir, "--cache-url", store}, c.args...)
			code, _, stderr := run(t, args...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, c.code, c.want)
			}
		})
	}
}

func httpSourceConfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ogcard.yaml")
	yaml := "sources:\n  news:\n    type: http\n    url: http://127.0.0.1:9/{slug}\n    fields: {title: title}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWarmHelpListsFlagsAndSettings(t *testing.T) {
	code, _, stderr := run(t, "warm", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-layout", "-source", "-format", "-jobs", "-progress-every", "-cache-url", "-data-dir", "-config"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help does not list %s", want)
		}
	}
}

func TestWarmStatusLine(t *testing.T) {
	s := cards.WarmProgress{Total: 200, Rendered: 40, Skipped: 10, Failed: 2}
	if got, want := statusText(s, 4), "52/200 cards (26%), 4.0 cards/s, ETA 37s, 2 failed"; got != want {
		t.Errorf("statusText = %q; want %q", got, want)
	}
	if got, want := statusText(cards.WarmProgress{Total: -1, Rendered: 5}, 0), "5 cards, 0.0 cards/s"; got != want {
		t.Errorf("statusText, total unknown = %q; want %q", got, want)
	}
	line := barLine(s, "status", 40)
	if !strings.HasPrefix(line, "[========") || !strings.HasSuffix(line, "] status") || len(line) > 40 {
		t.Errorf("barLine = %q; want a 26%% bar within 40 columns", line)
	}
	if got := barLine(s, strings.Repeat("x", 50), 40); len(got) != 40 {
		t.Errorf("barLine on a narrow terminal = %q; want the status cut to 40 columns", got)
	}
}

// The rate is of the last seconds, not since the start: a resumed run's
// burst of skips must not promise an ETA it cannot keep.
func TestWarmRateIsRecent(t *testing.T) {
	var m rateMeter
	start := time.Now()
	m.add(start.Add(time.Second), cards.WarmProgress{Skipped: 1000, Elapsed: time.Second})
	var rate float64
	for i := 2; i <= 30; i++ {
		rate = m.add(start.Add(time.Duration(i)*time.Second), cards.WarmProgress{Skipped: 1000, Rendered: int64(i-1) * 2, Elapsed: time.Duration(i) * time.Second})
	}
	if rate < 1.9 || rate > 2.1 {
		t.Errorf("rate %.2f cards/s; want about 2, the recent rate", rate)
	}
}

// On a terminal, a log line clears the bar, and the bar is drawn again
// below it.
func TestWarmLogLinesGoAboveTheBar(t *testing.T) {
	var out strings.Builder
	p := &progress{out: &out, tty: true, width: 60}
	p.show(cards.WarmProgress{Total: 10, Rendered: 5, Elapsed: time.Second})
	bar := p.line
	fmt.Fprintln(p, "level=WARN msg=something")
	if want := "\r\x1b[K" + bar + "\r\x1b[Klevel=WARN msg=something\n" + bar; out.String() != want {
		t.Errorf("terminal output %q; want %q", out.String(), want)
	}
}
