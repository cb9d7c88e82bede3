package source

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const articleJSON = `{
	"data": {"attributes": {"title": "Héllo \"world\"", "views": 42, "price": 9.99,
		"tags": ["a", "b"], "meta": {"x": 1}, "draft": true, "note": null}},
	"images": [{"url": "https://img.example/0.jpg"}, {"url": "https://img.example/1.jpg"}]
}`

// serve starts a test server answering every request with h.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func newHTTP(t *testing.T, cfg HTTPConfig) *HTTP {
	t.Helper()
	if cfg.Fields == nil {
		cfg.Fields = map[string]string{"title": "data.attributes.title"}
	}
	h, err := NewHTTP(cfg)
	if err != nil {
		t.Fatalf("NewHTTP: %v", err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func TestHTTPFields(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/articles/budget-2025" || r.Header.Get("Authorization") != "Bearer k" ||
			r.Header.Get("Accept") != "application/json" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Write([]byte(articleJSON))
	})
	h := newHTTP(t, HTTPConfig{
		URL:     srv.URL + "/api/articles/{slug}",
		Headers: map[string]string{"Authorization": "Bearer k"},
		Fields: map[string]string{
			"title":    "data.attributes.title",
			"imageUrl": "images.1.url",
			"views":    "data.attributes.views",
			"price":    "data.attributes.price",
			// Each of these is left out: absent, out of range, not an
			// index, or not a string or number.
			"missing": "data.attributes.nope", "deep": "data.attributes.title.x",
			"range": "images.2.url", "notIndex": "images.first.url", "negative": "images.-1.url",
			"object": "data.attributes.meta", "array": "data.attributes.tags",
			"bool": "data.attributes.draft", "null": "data.attributes.note",
		},
	})
	assertData(t, mustLookup(t, h, "budget-2025"), map[string]any{
		"title":    `Héllo "world"`,
		"imageUrl": "https://img.example/1.jpg",
		"views":    json.Number("42"),
		"price":    json.Number("9.99"),
	})
}

func TestHTTPStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   error
	}{
		{http.StatusNotFound, ErrNotFound},
		{http.StatusGone, ErrNotFound},
		{http.StatusInternalServerError, ErrUnavailable},
		{http.StatusBadGateway, ErrUnavailable},
		{http.StatusServiceUnavailable, ErrUnavailable},
		{http.StatusTooManyRequests, ErrUnavailable},
		{http.StatusBadRequest, nil},
		{http.StatusUnauthorized, nil},
		{http.StatusForbidden, nil},
	} {
		srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(articleJSON))
		})
		_, err := newHTTP(t, HTTPConfig{URL: srv.URL + "/{slug}"}).Lookup(context.Background(), "x")
		t.Logf("status %d", tc.status)
		assertKind(t, err, tc.want)
	}
}

// TestHTTPSlow checks that a server too slow to send headers, or one that
// stalls in the middle of the body, is an outage reported within the
// timeout.
func TestHTTPSlow(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"headers": func(_ http.ResponseWriter, r *http.Request) {
			sleepCtx(r.Context(), 5*time.Second)
		},
		"body": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"data": {`))
			w.(http.Flusher).Flush()
			sleepCtx(r.Context(), 5*time.Second)
		},
	} {
		srv := serve(t, handler)
		h := newHTTP(t, HTTPConfig{URL: srv.URL + "/{slug}", Timeout: 100 * time.Millisecond})
		start := time.Now()
		_, err := h.Lookup(context.Background(), "x")
		t.Logf("slow %s", name)
		assertKind(t, err, ErrUnavailable)
		if d := time.Since(start); d > time.Second {
			t.Errorf("slow %s: lookup took %v with a 100ms timeout", name, d)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func TestHTTPDown(t *testing.T) {
	h := newHTTP(t, HTTPConfig{URL: "http://" + closedPort(t) + "/{slug}"})
	_, err := h.Lookup(context.Background(), "x")
	assertKind(t, err, ErrUnavailable)
}

// TestHTTPMaxBytes checks the limit with and without a Content-Length:
// a body of exactly MaxBytes passes, one byte more does not.
func TestHTTPMaxBytes(t *testing.T) {
	body := `{"title": "` + strings.Repeat("x", 100) + `"}`
	limit := int64(len(body))
	for _, chunked := range []bool{false, true} {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			b := body + strings.Repeat(" ", len(r.URL.Path)-len("/ok"))
			if chunked {
				w.Write([]byte(b[:10]))
				w.(http.Flusher).Flush() // forces chunked encoding
				b = b[10:]
			}
			w.Write([]byte(b))
		})
		h := newHTTP(t, HTTPConfig{URL: srv.URL + "/{slug}", MaxBytes: limit,
			Fields: map[string]string{"title": "title"}})
		if got := mustLookup(t, h, "ok"); len(got["title"].(string)) != 100 {
			t.Errorf("chunked=%v: body at the limit: got %v", chunked, got)
		}
		_, err := h.Lookup(context.Background(), "big") // one byte longer
		t.Logf("chunked=%v", chunked)
		assertKind(t, err, nil)
		if err != nil && !strings.Contains(err.Error(), "limit") {
			t.Errorf("chunked=%v: err = %v, want one about the limit", chunked, err)
		}
	}
}

func TestHTTPBadJSON(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("<html>login</html>"))
	})
	_, err := newHTTP(t, HTTPConfig{URL: srv.URL + "/{slug}"}).Lookup(context.Background(), "x")
	assertKind(t, err, nil)
}

// TestHTTPSlugEscaping checks that no slug can leave its path segment or
// add to the query, whether the template puts it in the path or a query.
func TestHTTPSlugEscaping(t *testing.T) {
	var gotPath, gotQuery string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.Path, r.URL.RawQuery
		w.Write([]byte(articleJSON))
	})
	inPath := newHTTP(t, HTTPConfig{URL: srv.URL + "/api/articles/{slug}?lang=en"})
	inQuery := newHTTP(t, HTTPConfig{URL: srv.URL + "/api/search?slug={slug}&lang=en"})
	for _, slug := range []string{"a/b", "../admin", "x?y=1", "a b+c", "a&lang=fr", "50%", "#frag", "ü/é"} {
		mustLookup(t, inPath, slug)
		if gotPath != "/api/articles/"+slug || gotQuery != "lang=en" {
			t.Errorf("slug %q in path: server got path %q, query %q", slug, gotPath, gotQuery)
		}
		mustLookup(t, inQuery, slug)
		q, _ := parseQuery(gotQuery)
		if gotPath != "/api/search" || len(q) != 2 || q["slug"] != slug || q["lang"] != "en" {
			t.Errorf("slug %q in query: server got path %q, query %q", slug, gotPath, gotQuery)
		}
	}
	for _, slug := range []string{"", ".", ".."} {
		_, err := inPath.Lookup(context.Background(), slug)
		assertKind(t, err, ErrNotFound)
	}
}

// parseQuery parses a query in which every key occurs once.
func parseQuery(raw string) (map[string]string, error) {
	r, err := http.NewRequest(http.MethodGet, "/?"+raw, nil)
	if err != nil {
		return nil, err
	}
	q := map[string]string{}
	for k, v := range r.URL.Query() {
		q[k] = strings.Join(v, ",")
	}
	return q, nil
}

func TestNewHTTPInvalid(t *testing.T) {
	fields := map[string]string{"title": "title"}
	for name, cfg := range map[string]HTTPConfig{
		"no slug":     {URL: "https://cms.example/api", Fields: fields},
		"relative":    {URL: "/api/{slug}", Fields: fields},
		"scheme":      {URL: "ftp://cms.example/{slug}", Fields: fields},
		"no fields":   {URL: "https://cms.example/{slug}"},
		"empty part":  {URL: "https://cms.example/{slug}", Fields: map[string]string{"title": "data..title"}},
		"empty path":  {URL: "https://cms.example/{slug}", Fields: map[string]string{"title": ""}},
		"timeout":     {URL: "https://cms.example/{slug}", Fields: fields, Timeout: -1},
		"max bytes":   {URL: "https://cms.example/{slug}", Fields: fields, MaxBytes: -1},
		"bad url":     {URL: "https://cms.example/%zz/{slug}", Fields: fields},
		"blank field": {URL: "https://cms.example/{slug}", Fields: map[string]string{"": "title"}},
	} {
		if _, err := NewHTTP(cfg); err == nil {
			t.Errorf("%s: NewHTTP(%+v) succeeded", name, cfg)
		}
	}
}
