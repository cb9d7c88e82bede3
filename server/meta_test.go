package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMetaTags: /meta gives the tags a page needs, with og:image the
// absolute, extension-less card URL from the configured public URL.
func TestMetaTags(t *testing.T) {
	_, ts := newTestServer(t, func(c *Config) { c.PublicURL = "https://cards.example.com/" })
	resp, body := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025/meta")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, want := range []string{
		`<meta property="og:image" content="https://cards.example.com/api/v1/og/news/budget-2025">`,
		`<meta property="og:image:width" content="1200">`,
		`<meta property="og:image:height" content="630">`,
		`<meta property="og:image:type" content="image/jpeg">`,
		`<meta property="og:image:alt" content="`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<meta name="twitter:image" content="https://cards.example.com/api/v1/og/news/budget-2025">`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}

	resp, body = get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025/meta?variant=square", "Accept", "application/json")
	var tags map[string]any
	if err := json.Unmarshal(body, &tags); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d: %v: %s", resp.StatusCode, err, body)
	}
	if tags["og:image"] != "https://cards.example.com/api/v1/og/news/budget-2025/square" || tags["og:image:width"] != 800.0 || tags["og:image:height"] != 800.0 {
		t.Errorf("square variant: %v", tags)
	}
	if alt, _ := tags["og:image:alt"].(string); alt == "" || strings.Contains(alt, "{{") {
		t.Errorf("alt %q: want the article's title", alt)
	}

	for _, path := range []string{"/api/v1/og/news/no-such-article/meta", "/api/v1/og/news/budget-2025/meta?variant=round", "/api/v1/og/nope/x/meta"} {
		if resp, body := get(t, "GET", ts.URL+path); resp.StatusCode != 404 {
			t.Errorf("%s: %d %s, want 404", path, resp.StatusCode, body)
		}
	}
}

// TestMetaWithoutPublicURL: without a public URL, og:image is on the
// request's own host.
func TestMetaWithoutPublicURL(t *testing.T) {
	_, ts := newTestServer(t)
	_, body := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025/meta")
	if !strings.Contains(string(body), `content="`+ts.URL+`/api/v1/og/news/budget-2025"`) {
		t.Errorf("og:image not from the request's host %s:\n%s", ts.URL, body)
	}
}
