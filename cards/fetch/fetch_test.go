package fetch

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func noiseImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for i := range img.Pix {
		seed = seed*1664525 + 1013904223
		img.Pix[i] = uint8(seed >> 24)
	}
	return img
}

func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, noiseImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func noiseJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, noiseImage(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hitServer is an httptest server that counts the requests reaching it,
// so a test can assert that a blocked URL never did.
type hitServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newHitServer(t testing.TB, h http.Handler) *hitServer {
	t.Helper()
	s := &hitServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// port returns the server's port as a string.
func (s *hitServer) port() string {
	return strconv.Itoa(s.Listener.Addr().(*net.TCPAddr).Port)
}

// servePNG answers every request with a small PNG.
func servePNG(t testing.TB) http.Handler {
	pic := pngBytes(t, 40, 30)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(pic) })
}

// wantReason fails the test unless err is an error of the given Reason.
func wantReason(t *testing.T, what string, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: loaded, want a %q error", what, reason)
		return
	}
	if got := Reason(err); got != reason {
		t.Errorf("%s: Reason = %q (%v), want %q", what, got, err, reason)
	}
}

func TestLoadOverHTTP(t *testing.T) {
	srv := newHitServer(t, servePNG(t))
	l := New(Options{Timeout: 2 * time.Second, AllowLoopback: true})
	img, err := l.LoadImage(context.Background(), srv.URL+"/ok.png", engine.DecodeHint{})
	if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
		t.Fatalf("ok.png: %v, %v", img, err)
	}
}

func TestPixelCapFromHeader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.png")
	if err := os.WriteFile(path, pngBytes(t, 300, 300), 0o644); err != nil {
		t.Fatal(err)
	}
	l := New(Options{AllowFiles: true, MaxPixels: 10_000})
	_, err := l.LoadImage(context.Background(), path, engine.DecodeHint{})
	if !errors.Is(err, engine.ErrTooManyPixels) {
		t.Errorf("got %v, want ErrTooManyPixels", err)
	}
	wantReason(t, "300x300 over a 10000-pixel cap", err, ReasonTooManyPixels)
}

func TestFilesOnlyWhenAllowed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.png")
	if err := os.WriteFile(path, pngBytes(t, 2, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{path, "file://" + path} {
		_, err := New(Options{}).LoadImage(context.Background(), ref, engine.DecodeHint{})
		wantReason(t, ref+" without AllowFiles or FileRoot", err, ReasonBlocked)
	}
	files := New(Options{AllowFiles: true})
	for _, ref := range []string{path, "file://" + path} {
		if _, err := files.LoadImage(context.Background(), ref, engine.DecodeHint{}); err != nil {
			t.Errorf("%s: %v", ref, err)
		}
	}
	_, err := files.LoadImage(context.Background(), filepath.Join(t.TempDir(), "missing.png"), engine.DecodeHint{})
	wantReason(t, "missing file", err, ReasonFile)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v does not wrap os.ErrNotExist", err)
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
	if _, err := l.LoadImage(context.Background(), inside, engine.DecodeHint{}); err != nil {
		t.Errorf("inside the root: %v", err)
	}
	for _, ref := range []string{outside, "file://" + outside, filepath.Join(root, "..", filepath.Base(filepath.Dir(outside)), "b.png"), "/etc/passwd"} {
		_, err := l.LoadImage(context.Background(), ref, engine.DecodeHint{})
		if err == nil || !strings.Contains(err.Error(), "outside the allowed folder "+root+" (the data folder, --data-dir)") {
			t.Errorf("%s: got %v, want refused, naming the folder", ref, err)
		}
		wantReason(t, ref, err, ReasonFile)
	}
}

func TestFileRootRefusesSymlinkOut(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(outside, pngBytes(t, 2, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link.png")
	if err := os.Symlink(outside, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	_, err := New(Options{FileRoot: root}).LoadImage(context.Background(), link, engine.DecodeHint{})
	wantReason(t, "symlink out of the root", err, ReasonFile)
}
