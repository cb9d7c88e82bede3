package server

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ogcard/ogcard/sign"
)

const testKey, otherKey = "test-signing-key-0001", "rotated-signing-key-02"

// newTestServer runs a server on the built-in layouts and the demo
// database, with an in-memory card store.
func newTestServer(t testing.TB, mutate ...func(*Config)) (*Server, *httptest.Server) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.CacheURL = "mem://"
	cfg.SigningKeys = []string{testKey, otherKey}
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return srv, ts
}

// get makes a request without a body; see previewDo.
func get(t testing.TB, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return previewDo(t, method, url, nil, header...)
}

func signed(t testing.TB, path, key string) string {
	t.Helper()
	s, err := sign.Sign(path, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoutes(t *testing.T) {
	_, ts := newTestServer(t)
	cases := []struct {
		name, method, path string
		header             []string
		status             int
		contentType        string
	}{
		{"png by extension", "GET", "/api/v1/og/news/budget-2025.png", nil, 200, "image/png"},
		{"webp by extension", "GET", "/api/v1/og/news/budget-2025.webp", nil, 200, "image/webp"},
		{"jpeg by extension", "GET", "/api/v1/og/news/budget-2025.jpg", nil, 200, "image/jpeg"},
		{"no Accept: the crawler format", "GET", "/api/v1/og/news/budget-2025", nil, 200, "image/jpeg"},
		{"a browser's Accept: the layout's webp", "GET", "/api/v1/og/news/budget-2025", []string{"Accept", "image/avif,image/webp,*/*"}, 200, "image/webp"},
		{"crawler format accepted", "GET", "/api/v1/og/news/budget-2025", []string{"Accept", "image/png,image/jpeg;q=0.8"}, 200, "image/jpeg"},
		{"negotiated from Accept", "GET", "/api/v1/og/news/budget-2025", []string{"Accept", "image/png"}, 200, "image/png"},
		{"head", "HEAD", "/api/v1/og/news/budget-2025.png", nil, 200, "image/png"},
		{"unknown slug", "GET", "/api/v1/og/news/no-such-article.png", nil, 404, "application/json"},
		{"unknown layout", "GET", "/api/v1/og/nope/budget-2025.png", nil, 404, "application/json"},
		{"layout without a source", "GET", "/api/v1/og/article/x.png", nil, 404, "application/json"},
		{"signed", "GET", signed(t, "/og/news.png?title=Hello+signed+world&brand=Medial", testKey), nil, 200, "image/png"},
		{"signed with the second key", "GET", signed(t, "/og/news.jpg?title=Rotation", otherKey), nil, 200, "image/jpeg"},
		{"unsigned", "GET", "/og/news.png?title=Hello", nil, 403, "application/json"},
		{"unknown key", "GET", signed(t, "/og/news.png?title=Hello", "an-attacker-key-0000"), nil, 403, "application/json"},
		{"signed, required field missing", "GET", signed(t, "/og/news.png?brand=x", testKey), nil, 400, "application/json"},
		{"signed, no format", "GET", signed(t, "/og/news?title=x", testKey), nil, 400, "application/json"},
		{"no route", "GET", "/nope", nil, 404, "application/json"},
		{"wrong method", "POST", "/api/v1/og/news/budget-2025.png", nil, 405, "application/json"},
		{"healthz", "GET", "/healthz", nil, 200, "text/plain"},
		{"readyz", "GET", "/readyz", nil, 200, "text/plain"},
		{"metrics", "GET", "/metrics", nil, 200, "text/plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := get(t, c.method, ts.URL+c.path, c.header...)
			if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.contentType) {
				t.Fatalf("%s %s: %d %s, want %d %s; body %.200s", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.status, c.contentType, body)
			}
			if c.status >= 400 {
				var e map[string]string
				if json.Unmarshal(body, &e) != nil || e["error"] == "" || strings.Contains(e["error"], "goroutine") {
					t.Errorf("error body %q: want {\"error\": short message}", body)
				}
				return
			}
			if !strings.HasPrefix(c.contentType, "image/") {
				return
			}
			if resp.Header.Get("ETag") == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("headers %v: want an ETag and immutable caching", resp.Header)
			}
			if resp.Header.Get("Content-Length") == "" {
				t.Error("no Content-Length")
			}
			if c.method == "HEAD" {
				if len(body) != 0 {
					t.Errorf("HEAD returned %d bytes of body", len(body))
				}
				return
			}
			img, _, err := image.Decode(bytes.NewReader(body))
			if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
				t.Errorf("body is not a 1200x630 card: %v", err)
			}
		})
	}
}

func TestVaryAcceptOnlyWithoutExtension(t *testing.T) {
	_, ts := newTestServer(t)
	resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025")
	if resp.Header.Get("Vary") != "Accept" {
		t.Errorf("negotiated response without Vary: Accept: %v", resp.Header)
	}
	resp, _ = get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png")
	if resp.Header.Get("Vary") != "" {
		t.Errorf("a fixed format should not vary: %v", resp.Header.Get("Vary"))
	}
}

func TestETagAndNotModified(t *testing.T) {
	_, ts := newTestServer(t)
	resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png")
	etag := resp.Header.Get("ETag")
	resp, body := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and no body", resp.StatusCode, len(body))
	}
	resp, _ = get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png", "If-None-Match", `"stale"`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a stale ETag got %d, want 200", resp.StatusCode)
	}
	other, _ := get(t, "GET", ts.URL+signed(t, "/og/news.png?title=Another+headline", testKey))
	if other.Header.Get("ETag") == etag {
		t.Error("a different card has the same ETag")
	}
}

// The burst after a share: many identical requests, one render.
func TestConcurrentIdenticalRequestsRenderOnce(t *testing.T) {
	srv, ts := newTestServer(t)
	url := ts.URL + signed(t, "/og/news.webp?title=Burst+of+crawlers&brand=NewsDaily", testKey)
	var wg sync.WaitGroup
	etags := make([]string, 20)
	for i := range etags {
		wg.Go(func() {
			resp, _ := get(t, "GET", url)
			if resp.StatusCode != 200 {
				t.Errorf("request %d: %d", i, resp.StatusCode)
			}
			etags[i] = resp.Header.Get("ETag")
		})
	}
	wg.Wait()
	if n := srv.Renders(); n != 1 {
		t.Errorf("%d renders for 20 identical requests, want 1", n)
	}
	for _, e := range etags {
		if e != etags[0] {
			t.Fatal("identical requests got different cards")
		}
	}
}

func TestFallbackCardIsShortLived(t *testing.T) {
	_, ts := newTestServer(t)
	resp, _ := get(t, "GET", ts.URL+signed(t, "/og/news.png?title=No+photo&imageUrl=/nonexistent/photo.jpg", testKey))
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=60") || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("fallback card: %d, Cache-Control %q; want 200 with a short max-age", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func TestDataSourceDownIs503(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(502) }))
	defer down.Close()
	_, ts := newTestServer(t, func(c *Config) {
		c.Sources = map[string]SourceConfig{"article": {Type: "http", URL: down.URL + "/{slug}", Fields: map[string]string{"title": "title"}}}
	})
	resp, body := get(t, "GET", ts.URL+"/api/v1/og/article/some-post.png")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("got %d (Retry-After %q): %s; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestStoreDownStillServes(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // never probe 169.254.169.254 from a test
	srv, ts := newTestServer(t, func(c *Config) {
		c.CacheURL = "s3://cards?region=us-east-1&endpoint=http://127.0.0.1:1&use_path_style=true&disable_https=true"
	})
	resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png")
	if resp.StatusCode != 200 {
		t.Fatalf("store down: got %d, want the card anyway", resp.StatusCode)
	}
	// The card is written to the store after it is served: closing the
	// pipeline finishes that write, so the count is read after it rather
	// than raced.
	if err := srv.cards.Close(context.Background()); err != nil {
		t.Logf("closing the pipeline: %v", err)
	}
	_, metrics := get(t, "GET", ts.URL+"/metrics")
	if !strings.Contains(string(metrics), `ogcard_store_errors_total{op="put"} 1`) {
		t.Errorf("store failure not counted:\n%s", grepLines(string(metrics), "ogcard_store"))
	}
}

func TestBusyPoolAnswers503(t *testing.T) {
	srv, ts := newTestServer(t, func(c *Config) { c.Workers = 1; c.QueueWait = 1 })
	release, err := srv.cards.Acquire(context.Background()) // the only worker is taken
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("got %d, Retry-After %q; want 503 and Retry-After 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
