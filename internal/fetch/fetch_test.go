package fetch

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for i := range img.Pix {
		seed = seed*1664525 + 1013904223
		img.Pix[i] = uint8(seed >> 24)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadOverHTTP(t *testing.T) {
	pic := pngBytes(t, 40, 30)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok.png", func(w http.ResponseWriter, _ *http.Request) { w.Write(pic) })
	mux.HandleFunc("/missing.png", http.NotFound)
	mux.HandleFunc("/html", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("<html></html>")) })
	noisy := noisePNG(t, 200, 200) // about 120 KB: a real picture over the 32 KB cap
	mux.HandleFunc("/huge", func(w http.ResponseWriter, _ *http.Request) { w.Write(noisy) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Write(pic[:10])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	l := New(Options{Timeout: 300 * time.Millisecond, MaxBytes: 32 << 10})
	img, err := l.LoadImage(context.Background(), srv.URL+"/ok.png")
	if err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("ok.png: %v, %v", img, err)
	}
	for path, want := range map[string]string{
		"/missing.png": "http 404",
		"/html":        "not a JPEG, PNG, GIF or WebP picture",
		"/huge":        "too large",
		"/slow":        "timed out",
		"/loop":        "more than 3 redirects",
	} {
		start := time.Now()
		_, err := l.LoadImage(context.Background(), srv.URL+path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", path, err, want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %v, the deadline is 300ms", path, d)
		}
	}
}

func TestPixelCapFromHeader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.png")
	if err := os.WriteFile(path, pngBytes(t, 300, 300), 0o644); err != nil {
		t.Fatal(err)
	}
	l := New(Options{AllowFiles: true, MaxPixels: 10_000})
	if _, err := l.LoadImage(context.Background(), path); !errors.Is(err, engine.ErrTooManyPixels) {
		t.Errorf("got %v, want ErrTooManyPixels", err)
	}
}

func TestFilesOnlyWhenAllowed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.png")
	if err := os.WriteFile(path, pngBytes(t, 2, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{}).LoadImage(context.Background(), path); err == nil {
		t.Error("a local path loaded without AllowFiles")
	}
	if _, err := New(Options{}).LoadImage(context.Background(), "file://"+path); err == nil {
		t.Error("a file:// URL loaded without AllowFiles")
	}
	files := New(Options{AllowFiles: true})
	for _, ref := range []string{path, "file://" + path} {
		if _, err := files.LoadImage(context.Background(), ref); err != nil {
			t.Errorf("%s: %v", ref, err)
		}
	}
	if _, err := files.LoadImage(context.Background(), "ftp://example.com/a.png"); err == nil || !strings.Contains(err.Error(), "unsupported URL scheme") {
		t.Errorf("ftp: got %v", err)
	}
}

func TestFileRootConfinesLocalFiles(t *testing.T) {
	root := t.TempDir()
	inside := filepath.Join(root, "photos", "a.png")
	outside := filepath.Join(t.TempDir(), "b.png")
	for _, p := range []string{inside, outside} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, pngBytes(t, 2, 2), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := New(Options{FileRoot: root})
	if _, err := l.LoadImage(context.Background(), inside); err != nil {
		t.Errorf("inside the root: %v", err)
	}
	for _, ref := range []string{outside, "file://" + outside, filepath.Join(root, "..", filepath.Base(filepath.Dir(outside)), "b.png"), "/etc/passwd"} {
		if _, err := l.LoadImage(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "outside the allowed folder") {
			t.Errorf("%s: got %v, want refused", ref, err)
		}
	}
}
