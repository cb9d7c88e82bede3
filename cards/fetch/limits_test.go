package fetch

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image/gif"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// pngHeader returns a tiny PNG that declares w x h pixels: a valid
// signature and IHDR, then IEND, and no pixel data at all.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		body := append([]byte(typ), data...)
		b.Write(body)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(body))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	chunk("IHDR", append(ihdr, 8, 6, 0, 0, 0)) // 8-bit RGBA
	chunk("IEND", nil)
	return b.Bytes()
}

// jpegDeclaring returns a real JPEG whose frame header is patched to
// claim w x h pixels.
func jpegDeclaring(t *testing.T, w, h uint16) []byte {
	b := noiseJPEG(t, 16, 16)
	i := bytes.Index(b, []byte{0xff, 0xc0}) // baseline SOF: length(2) precision(1) height(2) width(2)
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// gifDeclaring returns a real 1x1 GIF whose logical screen claims w x h.
func gifDeclaring(t *testing.T, w, h uint16) []byte {
	var buf bytes.Buffer
	if err := gif.Encode(&buf, noiseImage(1, 1), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.LittleEndian.PutUint16(b[6:], w)
	binary.LittleEndian.PutUint16(b[8:], h)
	return b
}

func TestPixelBombsRefusedCheaply(t *testing.T) {
	bombs := map[string][]byte{
		"/png": pngHeader(20000, 20000),
		"/jpg": jpegDeclaring(t, 65000, 65000),
		"/gif": gifDeclaring(t, 65535, 65535),
	}
	srv := newHitServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(bombs[r.URL.Path]) }))
	l := New(Options{AllowLoopback: true})
	for path, bomb := range bombs {
		_, _ = l.LoadImage(context.Background(), srv.URL+path, engine.DecodeHint{}) // warm the connection and code paths
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := l.LoadImage(context.Background(), srv.URL+path, engine.DecodeHint{})
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s bomb (%d bytes): %v in %v, %d KB allocated", path, len(bomb), err, took, alloc>>10)
		wantReason(t, path+" bomb", err, ReasonTooManyPixels)
		if took > 100*time.Millisecond {
			t.Errorf("%s bomb: refused in %v, want < 100ms", path, took)
		}
		if alloc > 16<<20 {
			t.Errorf("%s bomb: %d MB allocated, want < 16 MB", path, alloc>>20)
		}
	}
}

func TestSlowServersTimeOut(t *testing.T) {
	pic := pngBytes(t, 40, 30)
	mux := http.NewServeMux()
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(pic)))
		for i := 0; i < len(pic); i++ { // one byte every 100ms: the whole file would take seconds
			_, _ = w.Write(pic[i : i+1])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	mux.HandleFunc("/no-headers", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	srv := newHitServer(t, mux)
	l := New(Options{AllowLoopback: true, Timeout: 500 * time.Millisecond})
	for _, path := range []string{"/trickle", "/no-headers"} {
		start := time.Now()
		_, err := l.LoadImage(context.Background(), srv.URL+path, engine.DecodeHint{})
		took := time.Since(start)
		t.Logf("%s: %v after %v", path, err, took)
		wantReason(t, path, err, ReasonTimeout)
		if took > 1500*time.Millisecond {
			t.Errorf("%s: gave up after %v, want < 1.5s for a 500ms timeout", path, took)
		}
	}
}

func TestCallerDeadlineIsTimeout(t *testing.T) {
	srv := newHitServer(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := New(Options{AllowLoopback: true}).LoadImage(ctx, srv.URL, engine.DecodeHint{})
	wantReason(t, "caller's deadline", err, ReasonTimeout)
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = New(Options{AllowLoopback: true}).LoadImage(ctx, srv.URL, engine.DecodeHint{})
	wantReason(t, "caller cancelled", err, ReasonOther)
}

func TestBadAnswers(t *testing.T) {
	big := noisePNG(t, 600, 600) // about 1 MB of a real picture
	full := noiseJPEG(t, 256, 256)
	mux := http.NewServeMux()
	mux.HandleFunc("/big-declared", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		_, _ = w.Write(big)
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, _ *http.Request) {
		for b := big; len(b) > 0; b = b[min(len(b), 4096):] { // flushed pieces: no Content-Length
			_, _ = w.Write(b[:min(len(b), 4096)])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<!doctype html><html></html>")) })
	mux.HandleFunc("/empty", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(full[:len(full)/2]) })
	mux.HandleFunc("/cut", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(full)))
		_, _ = w.Write(full[:len(full)/2]) // then the handler returns: the connection is cut short
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/error", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	srv := newHitServer(t, mux)
	if len(big) < 1<<20 {
		t.Fatalf("the big picture is %d bytes, want over 1 MB", len(big))
	}
	l := New(Options{AllowLoopback: true, Timeout: 3 * time.Second, MaxBytes: 64 << 10})
	for path, want := range map[string]struct{ reason, msg string }{
		"/big-declared": {ReasonTooLarge, "the limit is 65536"},          // refused from Content-Length
		"/big-chunked":  {ReasonTooLarge, "too large: over 65536 bytes"}, // refused while reading
		"/html":         {ReasonNotImage, "not a JPEG, PNG, GIF or WebP picture"},
		"/empty":        {ReasonNotImage, "not a JPEG"},
		"/truncated":    {ReasonDecode, "corrupt picture"},
		"/cut":          {ReasonNetwork, "unexpected EOF"},
		"/missing":      {ReasonHTTPStatus, "http 404"},
		"/error":        {ReasonHTTPStatus, "http 500"},
		"/loop":         {ReasonHTTPStatus, "more than 3 redirects"},
	} {
		start := time.Now()
		_, err := l.LoadImage(context.Background(), srv.URL+path, engine.DecodeHint{})
		wantReason(t, path, err, want.reason)
		if err != nil && !strings.Contains(err.Error(), want.msg) {
			t.Errorf("%s: %q, want it to say %q", path, err, want.msg)
		}
		t.Logf("%s: %v in %v", path, err, time.Since(start))
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: took %v", path, took)
		}
	}
}

func TestRedirectLimit(t *testing.T) {
	srv := newHitServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if n > 0 {
			http.Redirect(w, r, "/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		servePNG(t).ServeHTTP(w, r)
	}))
	l := New(Options{AllowLoopback: true})
	if _, err := l.LoadImage(context.Background(), srv.URL+"/3", engine.DecodeHint{}); err != nil {
		t.Errorf("3 redirects: %v, want followed", err)
	}
	before := srv.hits.Load()
	_, err := l.LoadImage(context.Background(), srv.URL+"/4", engine.DecodeHint{})
	wantReason(t, "4 redirects", err, ReasonHTTPStatus)
	if n := srv.hits.Load() - before; n != 4 {
		t.Errorf("4 redirects: %d requests made, want 4 (the fourth redirect not followed)", n)
	}
}

// TestLargeMetadataBeforeHeader loads a JPEG with 40 KB of APP1 (EXIF)
// data before its frame header, as camera photos with thumbnails have.
func TestLargeMetadataBeforeHeader(t *testing.T) {
	j := noiseJPEG(t, 64, 48)
	app := make([]byte, 40<<10)
	seg := append([]byte{0xff, 0xe1, byte((len(app) + 2) >> 8), byte(len(app) + 2)}, app...)
	photo := append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
	srv := newHitServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(photo) }))
	img, err := New(Options{AllowLoopback: true}).LoadImage(context.Background(), srv.URL, engine.DecodeHint{})
	if err != nil || img.Bounds().Dx() != 64 || img.Bounds().Dy() != 48 {
		t.Errorf("JPEG with 40 KB of EXIF first: %v, %v", img, err)
	}
}
