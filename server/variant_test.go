package server

import (
	"bytes"
	"image"
	"testing"
)

// TestVariantRoutes: a layout's named size is served at
// /api/v1/og/{layout}/{slug}/{variant}[.ext] and by variant= on a signed
// URL (covered by the signature); an unknown one is 404.
func TestVariantRoutes(t *testing.T) {
	_, ts := newTestServer(t)
	cases := []struct {
		name, path    string
		header        []string
		status        int
		contentType   string
		width, height int
	}{
		{"variant with extension", "/api/v1/og/news/budget-2025/square.png", nil, 200, "image/png", 800, 800},
		{"variant, crawler", "/api/v1/og/news/budget-2025/square", nil, 200, "image/jpeg", 800, 800},
		{"variant, browser", "/api/v1/og/news/budget-2025/square", []string{"Accept", "image/webp,*/*"}, 200, "image/webp", 800, 800},
		{"the layout's own size", "/api/v1/og/news/budget-2025.jpg", nil, 200, "image/jpeg", 1200, 630},
		{"signed variant", signed(t, "/og/news.jpg?title=Square&variant=square", testKey), nil, 200, "image/jpeg", 800, 800},
		{"unknown variant", "/api/v1/og/news/budget-2025/round.png", nil, 404, "application/json", 0, 0},
		{"unknown signed variant", signed(t, "/og/news.jpg?title=x&variant=round", testKey), nil, 404, "application/json", 0, 0},
		{"variant not signed", signed(t, "/og/news.jpg?title=Square", testKey) + "&variant=square", nil, 403, "application/json", 0, 0},
		{"unknown slug", "/api/v1/og/news/no-such-article/square.png", nil, 404, "application/json", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := get(t, "GET", ts.URL+c.path, c.header...)
			if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != c.contentType && c.status == 200 {
				t.Fatalf("%s: %d %s, want %d %s; %.200s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.status, c.contentType, body)
			}
			if c.status != 200 {
				return
			}
			img, _, err := image.Decode(bytes.NewReader(body))
			if err != nil || img.Bounds().Dx() != c.width || img.Bounds().Dy() != c.height {
				t.Errorf("body: %v %v, want %dx%d", err, img.Bounds(), c.width, c.height)
			}
		})
	}
}
