package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogcard/ogcard/sign"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/telemetry"
	"go.opentelemetry.io/otel"
)

// discardWriter is the least a ResponseWriter can be, so that the
// benchmark measures the server's own work, not a recorder's copies. Its
// header map is cleared, not reallocated, between requests.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

func (w *discardWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

// fixedSource answers every slug with a copy of the same data, at the
// cost of a map copy: it stands in for a fast data source.
type fixedSource struct{ data engine.Data }

func (f fixedSource) Lookup(context.Context, string) (engine.Data, error) {
	return maps.Clone(f.data), nil
}

func (fixedSource) Close() error { return nil }

// BenchmarkCacheHit measures a memory hit through the whole Echo chain
// (recover, access log, tracing, body limit, routing, metrics), the way
// `ogcard serve` runs it with no OTEL_* configuration: tracing is the
// no-op provider and the access log is on at info level (formatted, then
// discarded). "slug" includes the demo database (SQLite) lookup, which is
// most of its time; "slug-fixed" is the same request with the demo row
// served from memory, so it measures the server's own hit path; "signed"
// includes verifying the signature; "slug-304" answers If-None-Match.
func BenchmarkCacheHit(b *testing.B) {
	b.Setenv("OTEL_SDK_DISABLED", "true") // the no-op provider, as without OTEL_* settings
	shutdown, err := telemetry.Setup(context.Background(), "ogcard-bench", "0")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = shutdown(context.Background()) }()
	cfg := DefaultConfig()
	cfg.DataDir = b.TempDir()
	cfg.CacheURL = "mem://"
	cfg.SigningKeys = []string{testKey}
	cfg.Preview = false
	cfg.Watch = false
	srv, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	h := srv.Handler()

	signedURL, err := sign.Sign("/og/news.webp?title=A hit&brand=Bench", testKey)
	if err != nil {
		b.Fatal(err)
	}
	demo := srv.sources["news"]
	row, err := demo.Lookup(context.Background(), "budget-2025")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, target, inm string
		status            int
		fixed             bool
	}{
		{"slug", "/api/v1/og/news/budget-2025.webp", "", http.StatusOK, false},
		{"slug-fixed", "/api/v1/og/news/budget-2025.webp", "", http.StatusOK, true},
		{"signed", signedURL, "", http.StatusOK, false},
		{"slug-304", "/api/v1/og/news/budget-2025.webp", "*", http.StatusNotModified, false},
	} {
		srv.sources["news"] = demo
		if bc.fixed {
			srv.sources["news"] = fixedSource{row}
		}
		u, err := url.ParseRequestURI(bc.target)
		if err != nil {
			b.Fatal(err)
		}
		newReq := func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, u.String(), nil)
			r.RemoteAddr = "127.0.0.1:40000"
			r.Body = http.NoBody
			if bc.inm != "" {
				r.Header.Set("If-None-Match", bc.inm)
			}
			return r
		}
		// The first request renders; the rest are memory hits.
		warm := &discardWriter{h: http.Header{}}
		h.ServeHTTP(warm, newReq())
		// A 304 case's first request renders, and a render is a 200.
		if warm.status != bc.status && (bc.status != http.StatusNotModified || warm.status != http.StatusOK) {
			b.Fatalf("%s: warm-up status %d", bc.target, warm.status)
		}
		b.Run(bc.name, func(b *testing.B) {
			req := newReq()
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				req.Body = http.NoBody // the body limit swaps in a pooled reader
				h.ServeHTTP(w, req)
				if w.status != bc.status {
					b.Fatalf("status %d, want %d", w.status, bc.status)
				}
			}
		})
		b.Run(bc.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := newReq()
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					w.reset()
					req.Body = http.NoBody
					h.ServeHTTP(w, req)
					if w.status != bc.status {
						b.Errorf("status %d, want %d", w.status, bc.status)
						return
					}
				}
			})
		})
	}
	srv.sources["news"] = demo // closed with the server
}

// syncBuffer is a log sink that tests may read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The cheap hit path still logs, counts and sends every header, whether
// tracing is off (what `ogcard serve` runs without OTEL_* settings: the
// no-op provider, and the middleware's fast path) or the provider is
// OpenTelemetry's default one (the server span middleware runs).
func TestHitIsLoggedCountedAndComplete(t *testing.T) {
	t.Run("default provider", checkHitPath)
	t.Run("tracing off", func(t *testing.T) {
		prev := otel.GetTracerProvider()
		t.Cleanup(func() { otel.SetTracerProvider(prev) })
		t.Setenv("OTEL_SDK_DISABLED", "true")
		if _, err := telemetry.Setup(context.Background(), "ogcard-test", "0"); err != nil {
			t.Fatal(err)
		}
		checkHitPath(t)
	})
}

func checkHitPath(t *testing.T) {
	var logs syncBuffer
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.CacheURL = "mem://"
	// The first request renders: on a loaded machine it must not turn
	// into a 503 that the rest of the test then compares against.
	cfg.QueueWait, cfg.RenderTimeout = time.Minute, time.Minute
	srv, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })

	url := ts.URL + "/api/v1/og/news/budget-2025.webp"
	first, body := get(t, "GET", url)
	if first.StatusCode != http.StatusOK {
		t.Fatalf("first request (a render): %d %s", first.StatusCode, body)
	}
	for i, method := range []string{"GET", "GET", "HEAD"} {
		resp, b := get(t, method, url)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", method, resp.StatusCode)
		}
		for _, h := range []string{"ETag", "Cache-Control", "Content-Type", "Content-Length"} {
			if got, want := resp.Header.Get(h), first.Header.Get(h); got != want || got == "" {
				t.Errorf("hit %d (%s): %s %q, want %q", i, method, h, got, want)
			}
		}
		if method == "GET" && !bytes.Equal(b, body) {
			t.Errorf("hit %d: body differs from the rendered card", i)
		}
	}
	if resp, _ := get(t, "GET", url, "If-None-Match", first.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
	}
	if n := seriesValue(t, ts.URL, `ogcard_cache_total{result="memory"}`); n != "4" {
		t.Errorf("memory hits counted %s, want 4", n)
	}
	if n := seriesValue(t, ts.URL, `ogcard_requests_total{code="200",route="/api/v1/og/:layout/:slug"}`); n != "4" {
		t.Errorf("200s counted %s, want 4", n)
	}
	if n := seriesValue(t, ts.URL, `ogcard_requests_total{code="304",route="/api/v1/og/:layout/:slug"}`); n != "1" {
		t.Errorf("304s counted %s, want 1", n)
	}
	if got := strings.Count(logs.String(), "msg=request method=GET route=/api/v1/og/:layout/:slug path=/api/v1/og/news/budget-2025.webp status=200 cache=memory bytes="); got != 2 {
		t.Errorf("%d access log lines for GET memory hits, want 2:\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), "status=200 cache=miss") || !strings.Contains(logs.String(), "status=304 cache=memory bytes=0") {
		t.Errorf("access log lacks the miss or the 304:\n%s", logs.String())
	}
}

func TestRateStore(t *testing.T) {
	s := newRateStore(0.001, 3, time.Minute)
	for _, id := range []string{"192.0.2.1", "192.0.2.2"} {
		allowed := 0
		for range 5 {
			if ok, _ := s.Allow(id); ok {
				allowed++
			}
		}
		if allowed != 3 {
			t.Errorf("%s: %d allowed, want the burst of 3", id, allowed)
		}
	}
	// A visitor idle longer than the expiry is forgotten: a fresh burst.
	s = newRateStore(0.001, 1, time.Nanosecond)
	s.Allow("192.0.2.3")
	time.Sleep(time.Millisecond)
	s.Allow("192.0.2.4") // sweeps its shard, maybe not 192.0.2.3's
	total := 0
	for i := range s.shards {
		total += len(s.shards[i].visitors)
	}
	if total > 2 {
		t.Errorf("%d visitors kept", total)
	}
}

// seriesValue is the value of one series on /metrics.
func seriesValue(t *testing.T, base, series string) string {
	t.Helper()
	_, body := get(t, "GET", base+"/metrics")
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return "(no " + series + ")"
}

// FuzzAccepts checks Accept parsing on any header: it never panics, an
// exact media type is accepted, and an explicit q=0 for it refuses it.
func FuzzAccepts(f *testing.F) {
	for _, s := range []string{"image/webp,*/*", "image/*;q=0.8", "*/*", "", "image/png;q=0", "text/html, image/avif;q=0.9", ";;;,", "image/jpeg ; q = 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, format := range []engine.Format{engine.WebP, engine.PNG, engine.JPEG} {
			accepts(header, format)
			if !accepts(format.ContentType(), format) {
				t.Fatalf("%s does not accept itself", format.ContentType())
			}
			if accepts(format.ContentType()+";q=0", format) {
				t.Fatalf("%s;q=0 accepted", format.ContentType())
			}
		}
	})
}
