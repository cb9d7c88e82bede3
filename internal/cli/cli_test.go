package cli

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

// repoRoot is the repository root: tests run in the package's folder.
var repoRoot, _ = filepath.Abs("../..")

// run runs the command line from the repository root.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRenderWritesEachFormat(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"png", "webp", "jpg"} {
		out := filepath.Join(dir, "card."+ext)
		code, _, stderr := run(t, "render", "--layout", "layouts/news.json", "--data", `{"title": "Hello", "imageUrl": "testdata/bg.jpg"}`, "-o", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", ext, code, stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := engine.DecodeImage(f, 0)
		f.Close()
		if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
			t.Errorf("%s: decoded %v, %v; want a 1200x630 card", ext, img.Bounds(), err)
		}
	}
}

func TestRenderToStdoutWithSamples(t *testing.T) {
	code, stdout, stderr := run(t, "render", "--layout", "layouts/news.json", "--format", "png", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := png.Decode(strings.NewReader(stdout)); err != nil {
		t.Errorf("stdout is not a PNG: %v", err)
	}
}

func TestRenderVariant(t *testing.T) {
	code, stdout, stderr := run(t, "render", "--layout", "layouts/news.json", "--variant", "square", "--format", "png", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	img, err := png.Decode(strings.NewReader(stdout))
	if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 800 {
		t.Errorf("stdout: %v, %v; want an 800x800 PNG", img, err)
	}
	code, _, stderr = run(t, "render", "--layout", "layouts/news.json", "--variant", "round", "--format", "png", "-o", "-")
	if code != 2 || !strings.Contains(stderr, `layout "news" has no variant "round" (variants: square)`) {
		t.Errorf("unknown variant: exit %d, %q", code, stderr)
	}
}

func TestRenderMissingImageFallsBackWithWarning(t *testing.T) {
	out := filepath.Join(t.TempDir(), "card.png")
	code, _, stderr := run(t, "render", "--layout", "layouts/news.json", "--set", "title=Hi", "--set", "imageUrl=nope.jpg", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: layer \"photo\" (/layers/0): no picture (open nope.jpg: no such file or directory), drew its fallback") {
		t.Errorf("stderr %q: want a fallback warning", stderr)
	}
}

func TestRenderErrorsAreOneLine(t *testing.T) {
	out := filepath.Join(t.TempDir(), "card.png")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing required field", []string{"render", "--layout", "layouts/news.json", "--data", `{"brand": "x"}`, "-o", out}, 1, `ogcard render: field "title": is required`},
		{"no such layout", []string{"render", "--layout", "layouts/nope.json", "-o", out}, 1, "ogcard render: open layouts/nope.json: no such file or directory"},
		{"stdout without a format", []string{"render", "--layout", "layouts/news.json", "-o", "-"}, 2, "ogcard render: usage: -o - (standard output) needs --format"},
		{"bad data JSON", []string{"render", "--layout", "layouts/news.json", "--data", "{nope", "-o", out}, 1, "--data: not a JSON object"},
		{"unknown format", []string{"render", "--layout", "layouts/news.json", "-o", "card.gif"}, 2, `unknown image format ".gif"`},
		{"no output", []string{"render", "--layout", "layouts/news.json"}, 2, "--layout and -o are required"},
		{"invalid layout", []string{"render", "--layout", "testdata/invalid/maxlines-zero.json", "-o", out}, 1, "testdata/invalid/maxlines-zero.json:10:7: /layers/0/maxLines: must be >= 1 but found 0"},
		{"unknown command", []string{"draw"}, 2, `unknown command "draw"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, c.code, c.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr: %s", stderr)
			}
		})
	}
}

// TestRenderLogsOnlyWhenAsked checks that a plain render prints nothing
// on stderr (the informational lines about fonts and the WebP encoder come
// with -v only), and that -v does print them.
func TestRenderLogsOnlyWhenAsked(t *testing.T) {
	out := filepath.Join(t.TempDir(), "card.webp")
	args := []string{"render", "--layout", "layouts/news.json", "--set", "imageUrl=testdata/bg.jpg", "-o", out}
	code, _, stderr := run(t, args...)
	if code != 0 || stderr != "" {
		t.Errorf("without -v: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	code, _, stderr = run(t, append(args, "-v")...)
	if code != 0 || !strings.Contains(stderr, "level=INFO") || !strings.Contains(stderr, "webp:") {
		t.Errorf("with -v: exit %d, stderr %q; want the webp encoder's INFO line", code, stderr)
	}
}

// TestValidateReportsEveryPath checks that a missing path is one error
// among the reports, not the end of them.
func TestValidateReportsEveryPath(t *testing.T) {
	code, stdout, stderr := run(t, "validate", "layouts/news.json", "missing/", "layouts/quote.json")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"ok    layouts/news.json", "ok    layouts/quote.json"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout %q lacks %q", stdout, want)
		}
	}
	if !strings.Contains(stderr, "error stat missing/: no such file or directory") || !strings.Contains(stderr, "1 of 3 paths could not be read") {
		t.Errorf("stderr %q: want the missing path as an error and a summary", stderr)
	}
}

func TestValidate(t *testing.T) {
	code, stdout, stderr := run(t, "validate", "layouts")
	if code != 0 || !strings.Contains(stdout, "ok    layouts/news.json") {
		t.Errorf("validate layouts: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = run(t, "validate", "layouts/news.json", "testdata/invalid/multiple-problems.json")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if n := strings.Count(stderr, "testdata/invalid/multiple-problems.json:"); n != 5 {
		t.Errorf("want all 5 problems of the file reported together, got %d:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "1 of 2 layouts have problems") {
		t.Errorf("no summary line in %q", stderr)
	}
}

// TestValidateTooDeep checks that validate reports a layout nested past
// the depth limit with its place, as the preview and a reload do: all three
// compile through engine.Compile.
func TestValidateTooDeep(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(repoRoot, "testdata/invalid/too-deep-arrays.want"))
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "validate", "testdata/invalid/too-deep-arrays.json")
	if code != 1 || !strings.HasPrefix(stderr, string(want)) {
		t.Errorf("exit %d, stderr:\n%s\nwant it to start with:\n%s", code, stderr, want)
	}
}

// Constant text that no font can draw is a warning; the layout is still
// valid, so the exit status is 0.
func TestValidateWarnsAboutGlyphsNoFontHas(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tofu.json")
	layout := `{"canvas": {"width": 1200, "height": 630}, "fields": {"title": {"type": "string"}}, "layers": [
		{"type": "text", "name": "label", "text": "Rated ★ \uE000 {{title}}", "box": {"left": 0, "top": 0, "width": 600, "height": 100}, "size": 40},
		{"type": "tag", "name": "ok", "text": "→ ✓", "size": 20, "anchor": "top-left", "x": 10, "y": 10}]}`
	if err := os.WriteFile(file, []byte(layout), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "validate", file)
	if code != 0 || !strings.Contains(stdout, "ok ") {
		t.Fatalf("exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	want := "warning: " + file + `: layer "label" (/layers/0): no font can draw U+E000`
	if !strings.Contains(stderr, want) || strings.Count(stderr, "warning:") != 1 {
		t.Errorf("stderr %q, want one warning %q", stderr, want)
	}
}

func TestSign(t *testing.T) {
	t.Setenv("OGCARD_SIGNING_KEYS", "a-key-of-sixteen-chars,older-key-000000")
	code, stdout, stderr := run(t, "sign", "/og/news.png?title=Hello world")
	if code != 0 || !strings.HasPrefix(stdout, "/og/news.png?") || !strings.Contains(stdout, "sig=") || !strings.Contains(stdout, "title=Hello") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	t.Setenv("OGCARD_SIGNING_KEYS", "")
	if code, _, stderr := run(t, "sign", "/og/news.png"); code != 2 || !strings.Contains(stderr, "no signing key") {
		t.Errorf("without keys: exit %d, %q", code, stderr)
	}
}

func TestServeHelpListsSettings(t *testing.T) {
	code, _, stderr := run(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-addr", ":8080", "OGCARD_CACHE_URL", "-signing-keys", "-render-workers"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve --help does not mention %s", want)
		}
	}
	if code, _, stderr := run(t, "serve", "--render-workers", "0", "--log-format", "xml"); code != 2 || !strings.Contains(stderr, "render-workers") || !strings.Contains(stderr, "log-format") {
		t.Errorf("bad settings: exit %d, %q; want both reported", code, stderr)
	}
}

func TestMetaCommand(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := run(t, "meta", "--layout", "news", "--slug", "budget-2025", "--variant", "square", "--json", "--public-url", "https://cards.example.com", "--data-dir", data, "--log-level", "error")
	if code != 0 || !strings.Contains(stdout, `"og:image":"https://cards.example.com/api/v1/og/news/budget-2025/square"`) || !strings.Contains(stdout, `"og:image:width":800`) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, _, stderr = run(t, "meta", "--layout", "news", "--slug", "nope", "--public-url", "https://x.example", "--data-dir", data, "--log-level", "error")
	if code != 1 || !strings.Contains(stderr, `ogcard meta: no news "nope"`) {
		t.Errorf("unknown slug: exit %d, %q", code, stderr)
	}
	if code, _, _ = run(t, "meta", "--layout", "news", "--slug", "x", "--data-dir", data); code != 2 {
		t.Errorf("no --public-url: exit %d, want 2", code)
	}
}
