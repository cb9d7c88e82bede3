package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

const publishToken = "publish-token-for-tests-0001"

func publish(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return get(t, "POST", url, header...)
}

// TestPublishThenCrawlersHit: after a publish, every extension-less
// request a browser or a crawler makes, for the layout and its variants,
// is served with no render; a second publish renders nothing either.
func TestPublishThenCrawlersHit(t *testing.T) {
	srv, ts := newTestServer(t, func(c *Config) { c.PublishToken = publishToken; c.PublicURL = "https://cards.example.com" })
	resp, body := publish(t, ts.URL+"/api/v1/og/news/budget-2025/render", "Authorization", "Bearer "+publishToken)
	if resp.StatusCode != 200 {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	var answer struct {
		Cards []publishedCard `json:"cards"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || len(answer.Cards) != 4 {
		t.Fatalf("answer %s (%v): want 4 cards, the layout and square, for browsers and crawlers", body, err)
	}
	if c := answer.Cards[3]; c.URL != "https://cards.example.com/api/v1/og/news/budget-2025/square" || c.Format != "jpeg" || c.For != "crawlers" {
		t.Errorf("last card %+v", c)
	}
	rendered := srv.Renders()
	if rendered != 4 {
		t.Errorf("publish rendered %d cards, want 4", rendered)
	}
	for _, path := range []string{"/api/v1/og/news/budget-2025", "/api/v1/og/news/budget-2025/square"} {
		for _, accept := range []string{"", "*/*", "image/webp,*/*"} {
			var h []string
			if accept != "" {
				h = []string{"Accept", accept}
			}
			if resp, _ := get(t, "GET", ts.URL+path, h...); resp.StatusCode != 200 {
				t.Errorf("GET %s (Accept %q): %d", path, accept, resp.StatusCode)
			}
		}
	}
	if resp, _ := publish(t, ts.URL+"/api/v1/og/news/budget-2025/render", "Authorization", "Bearer "+publishToken); resp.StatusCode != 200 {
		t.Errorf("second publish: %d", resp.StatusCode)
	}
	if n := srv.Renders(); n != rendered {
		t.Errorf("%d renders after publishing: the GETs and the second publish should all be hits", n-rendered)
	}
}

func TestPublishRefused(t *testing.T) {
	srv, ts := newTestServer(t, func(c *Config) { c.PublishToken = publishToken; c.Workers = 1; c.QueueWait = 1 })
	url := ts.URL + "/api/v1/og/news/budget-2025/render"
	if resp, _ := publish(t, url); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %v, want 401 with WWW-Authenticate", resp.StatusCode, resp.Header)
	}
	if resp, _ := publish(t, url, "Authorization", "Bearer "+publishToken+"x"); resp.StatusCode != 403 {
		t.Errorf("wrong token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := publish(t, url, "Authorization", publishToken); resp.StatusCode != 401 {
		t.Errorf("token without Bearer: %d, want 401", resp.StatusCode)
	}
	if resp, _ := publish(t, ts.URL+"/api/v1/og/news/no-such-article/render", "Authorization", "Bearer "+publishToken); resp.StatusCode != 404 {
		t.Errorf("unknown slug: %d, want 404", resp.StatusCode)
	}
	if srv.Renders() != 0 {
		t.Errorf("a refused publish rendered %d cards", srv.Renders())
	}
	release, err := srv.cards.Acquire(context.Background()) // the only worker is taken
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if resp, _ := publish(t, url, "Authorization", "Bearer "+publishToken); resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("busy: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestPublishOffWithoutToken(t *testing.T) {
	_, ts := newTestServer(t)
	if resp, _ := publish(t, ts.URL+"/api/v1/og/news/budget-2025/render", "Authorization", "Bearer "); resp.StatusCode == 200 {
		t.Errorf("publish with no token configured: %d, want the route off", resp.StatusCode)
	}
}
