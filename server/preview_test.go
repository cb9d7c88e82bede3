package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// newPreviewServer runs a server on a temporary copy of the layouts folder,
// which tests may edit (the watcher is on), and returns that folder too.
func newPreviewServer(t testing.TB, mutate ...func(*Config)) (*Server, string, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../layouts")); err != nil {
		t.Fatal(err)
	}
	srv, ts := newTestServer(t, append([]func(*Config){func(c *Config) { c.Layouts = dir }}, mutate...)...)
	return srv, ts.URL, dir
}

// previewDo makes a request with an optional body and headers (name, value...).
func previewDo(t testing.TB, method, u string, body []byte, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestPreviewToken(t *testing.T) {
	_, base, _ := newPreviewServer(t, func(c *Config) { c.PreviewToken = "designers-only" })
	cases := []struct {
		name, path string
		header     []string
		status     int
	}{
		{"page without token", "/preview", nil, 401},
		{"page with a wrong token", "/preview?token=guess", nil, 401},
		{"page with ?token=", "/preview?token=designers-only", nil, 200},
		{"api with the header", "/preview/api/layouts", []string{"X-Preview-Token", "designers-only"}, 200},
		{"api without token", "/preview/api/layouts", nil, 401},
		{"asset without token", "/preview/assets/app.js", nil, 401},
		{"events without token", "/preview/events", nil, 401},
		{"unknown path without token", "/preview/nothing", nil, 401},
		{"api with the cookie", "/preview/api/layouts", []string{"Cookie", previewCookie + "=" + tokenHash("designers-only")}, 200},
		{"api with a forged cookie", "/preview/api/layouts", []string{"Cookie", previewCookie + "=" + tokenHash("guess")}, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := previewDo(t, "GET", base+tc.path, nil, tc.header...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
	resp, _ := previewDo(t, "GET", base+"/preview?token=designers-only", nil)
	if ck := resp.Header.Get("Set-Cookie"); !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") || strings.Contains(ck, "designers-only") {
		t.Errorf("cookie %q: want HttpOnly, SameSite=Strict, and no token in clear", ck)
	}
}

func TestPreviewPageAndLayouts(t *testing.T) {
	_, base, dir := newPreviewServer(t)
	for path, ctype := range map[string]string{"/preview": "text/html", "/preview/assets/app.js": "javascript", "/preview/assets/style.css": "text/css"} {
		resp, body := previewDo(t, "GET", base+path, nil)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), ctype) || len(body) == 0 {
			t.Errorf("%s: %d %s, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
	}
	// Before its first render the page shows a placeholder box, not a
	// broken image that screenshot tools would catch.
	if _, page := previewDo(t, "GET", base+"/preview", nil); !bytes.Contains(page, []byte(`<img id="card" alt="The rendered card" hidden>`)) ||
		!bytes.Contains(page, []byte(`id="placeholder"`)) {
		t.Errorf("the page's card is not hidden behind a placeholder before the first render")
	}
	resp, body := previewDo(t, "GET", base+"/preview/api/layouts", nil)
	var got struct {
		SaveAllowed bool            `json:"saveAllowed"`
		Layouts     []previewLayout `json:"layouts"`
	}
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("layouts: %d %v\n%s", resp.StatusCode, err, body)
	}
	i := slices.IndexFunc(got.Layouts, func(l previewLayout) bool { return l.Name == "news" })
	if i < 0 {
		t.Fatalf("no news layout: %s", body)
	}
	if news := got.Layouts[i]; !news.OK || news.Width != 1200 || news.Format != engine.WebP || len(news.Fields) != 3 || got.SaveAllowed {
		t.Fatalf("news: %+v, saveAllowed %v", news, got.SaveAllowed)
	}
	if f := got.Layouts[i].Fields[2]; f["name"] != "title" || f["required"] != true || !strings.HasPrefix(f["sample"].(string), "Scientists") {
		t.Errorf("title field: %v", f)
	}
	resp, body = previewDo(t, "GET", base+"/preview/api/layout?layout=news", nil)
	want, _ := os.ReadFile(filepath.Join(dir, "news.json"))
	if resp.StatusCode != 200 || !bytes.Equal(body, want) {
		t.Errorf("source: %d, %d bytes, want the file's %d", resp.StatusCode, len(body), len(want))
	}
	if resp, _ = previewDo(t, "GET", base+"/preview/api/layout?layout=nope", nil); resp.StatusCode != 404 {
		t.Errorf("unknown layout: %d, want 404", resp.StatusCode)
	}
}

func TestPreviewRender(t *testing.T) {
	srv, base, _ := newPreviewServer(t)
	render := func(query string) (*http.Response, []byte) {
		return previewDo(t, "GET", base+"/preview/api/render?layout=news&"+query, nil)
	}
	resp, first := render("format=png&title=" + url.QueryEscape("A short headline"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("render: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), first)
	}
	if img, err := png.Decode(bytes.NewReader(first)); err != nil || img.Bounds() != image.Rect(0, 0, 1200, 630) {
		t.Fatalf("not a 1200x630 png: %v", err)
	}
	renderMs, err1 := strconv.ParseFloat(resp.Header.Get("X-Render-Ms"), 64)
	encodeMs, err2 := strconv.ParseFloat(resp.Header.Get("X-Encode-Ms"), 64)
	if err1 != nil || err2 != nil || renderMs <= 0 || encodeMs <= 0 || resp.Header.Get("X-Bytes") != strconv.Itoa(len(first)) ||
		resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Warnings") != "%5B%5D" {
		t.Errorf("headers: %v", resp.Header)
	}
	if _, second := render("format=png&title=Another"); bytes.Equal(first, second) {
		t.Error("a different title drew the same card")
	}
	resp, _ = render("format=webp&debug=1")
	var layers []engine.LayerInfo
	js, _ := url.PathUnescape(resp.Header.Get("X-Layers")) // as the page's decodeURIComponent
	if err := json.Unmarshal([]byte(js), &layers); err != nil || len(layers) != 4 {
		t.Fatalf("X-Layers: %v %q", err, resp.Header.Get("X-Layers"))
	}
	if l := layers[2]; l.Kind != "text" || l.FontSize <= 0 || l.Box.Dx() != 1080 || resp.Header.Get("Content-Type") != "image/webp" {
		t.Errorf("headline layer %+v (%s)", l, resp.Header.Get("Content-Type"))
	}
	// A picture outside the layouts folder is never read: it falls back.
	resp, _ = render("imageUrl=" + url.QueryEscape("/etc/hostname"))
	if w, _ := url.PathUnescape(resp.Header.Get("X-Warnings")); resp.StatusCode != 200 || !strings.Contains(w, "fallback") {
		t.Errorf("outside picture: %d, warnings %s", resp.StatusCode, w)
	}
	// A picture the fetcher refuses shows its public reason, never the
	// address or the resolver's error.
	resp, _ = render("imageUrl=" + url.QueryEscape("http://10.255.255.7:81/photo.jpg"))
	if w, _ := url.PathUnescape(resp.Header.Get("X-Warnings")); resp.StatusCode != 200 || !strings.Contains(w, "(blocked)") || strings.Contains(w, "10.255.255.7") {
		t.Errorf("blocked picture: %d, warnings %s; want the reason only", resp.StatusCode, w)
	}
	for query, status := range map[string]int{"layout=news&title=": 400, "layout=news&format=gif": 400, "layout=nope": 404} {
		if resp, _ := previewDo(t, "GET", base+"/preview/api/render?"+query, nil); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", query, resp.StatusCode, status)
		}
	}
	assertProductionUntouched(t, srv, base)
}

// assertProductionUntouched checks that previews rendered nothing the card
// cache or its metrics know of.
func assertProductionUntouched(t *testing.T, srv *Server, base string) {
	t.Helper()
	_, metrics := previewDo(t, "GET", base+"/metrics", nil)
	if srv.Renders() != 0 || srv.cards.HotBytes() != 0 || !strings.Contains(string(metrics), "\nogcard_renders_total 0\n") || strings.Contains(string(metrics), "ogcard_cache_total{") {
		t.Errorf("previews reached the card cache: %d renders, %d bytes in memory\n%s", srv.Renders(), srv.cards.HotBytes(), grepLines(string(metrics), "ogcard_ren"))
	}
}

// brokenNews is news.json with maxLines 0 in the headline: a problem the
// schema places at a line and column.
func brokenNews(dir string) []byte {
	src, _ := os.ReadFile(filepath.Join(dir, "news.json"))
	return bytes.Replace(src, []byte(`"maxLines": 3`), []byte(`"maxLines": 0`), 1)
}

func TestPreviewPostRenderAndSave(t *testing.T) {
	srv, base, dir := newPreviewServer(t)
	src, _ := os.ReadFile(filepath.Join(dir, "news.json"))
	resp, body := previewDo(t, "POST", base+"/preview/api/render?layout=news&format=png", brokenNews(dir))
	var got struct{ Problems []map[string]any }
	if err := json.Unmarshal(body, &got); resp.StatusCode != 422 || err != nil || len(got.Problems) != 1 {
		t.Fatalf("broken layout: %d %v %s", resp.StatusCode, err, body)
	}
	if p := got.Problems[0]; p["line"].(float64) != 29 || p["column"].(float64) == 0 || p["pointer"] != "/layers/2/maxLines" || p["message"] == "" {
		t.Errorf("problem %v: want line 29, a column, the pointer and a message", p)
	}
	edited := bytes.Replace(src, []byte(`"background": "#e11d48"`), []byte(`"background": "#2563eb"`), 1)
	resp, body = previewDo(t, "POST", base+"/preview/api/render?layout=news&format=png", edited)
	if resp.StatusCode != 200 || resp.Header.Get("X-Bytes") != strconv.Itoa(len(body)) {
		t.Fatalf("edited layout: %d %s", resp.StatusCode, body)
	}
	if resp, _ = previewDo(t, "POST", base+"/preview/api/save?layout=news", edited); resp.StatusCode != 403 {
		t.Errorf("save without --preview-save: %d, want 403", resp.StatusCode)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "news.json")); !bytes.Equal(now, src) {
		t.Error("a refused save or a POST render changed the file")
	}
	assertProductionUntouched(t, srv, base)
}

func TestPreviewSaveAllowed(t *testing.T) {
	srv, base, dir := newPreviewServer(t, func(c *Config) { c.PreviewSave = true })
	file := filepath.Join(dir, "news.json")
	src, _ := os.ReadFile(file)
	if resp, _ := previewDo(t, "POST", base+"/preview/api/save?layout=news", brokenNews(dir)); resp.StatusCode != 422 {
		t.Errorf("saving a broken layout: %d, want 422", resp.StatusCode)
	}
	if now, _ := os.ReadFile(file); !bytes.Equal(now, src) {
		t.Fatal("a broken layout was written")
	}
	edited := bytes.Replace(src, []byte(`"size": 50`), []byte(`"size": 46`), 1)
	if resp, body := previewDo(t, "POST", base+"/preview/api/save?layout=news", edited); resp.StatusCode != 200 {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	if now, _ := os.ReadFile(file); !bytes.Equal(now, edited) {
		t.Error("the file on disk did not change")
	}
	if !eventually(func() bool { return srv.cards.Layouts().Generation() == 2 }) {
		t.Error("the saved file was not reloaded")
	}
	if _, body := previewDo(t, "GET", base+"/preview/api/layouts", nil); !strings.Contains(string(body), `"saveAllowed":true`) {
		t.Errorf("saveAllowed not reported: %s", body)
	}
}

// eventStream reads a server-sent event stream into a channel of "event data"
// lines, until the stream ends (then the channel closes).
func eventStream(t testing.TB, u string) (<-chan string, func()) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %v %v", err, resp)
	}
	out := make(chan string, 16)
	go func() {
		defer close(out)
		sc, event := bufio.NewScanner(resp.Body), ""
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				event = name
			} else if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- event + " " + data
			}
		}
	}()
	return out, func() { resp.Body.Close() }
}

// nextEvent is the stream's next event ("" once the stream has ended).
func nextEvent(ch <-chan string) string {
	select {
	case ev := <-ch:
		return ev
	case <-time.After(3 * time.Second):
		return "(no event within 3s)"
	}
}

func TestPreviewEvents(t *testing.T) {
	srv, base, dir := newPreviewServer(t)
	ch, hangUp := eventStream(t, base+"/preview/events")
	if ev := nextEvent(ch); ev != "hello 1" {
		t.Fatalf("first event %q, want hello 1", ev)
	}
	if err := os.WriteFile(filepath.Join(dir, "news.json"), brokenNews(dir), 0o644); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(ch); ev != "reload 2" {
		t.Fatalf("after an edit: %q, want reload 2", ev)
	}
	hangUp()
	if !eventually(func() bool { return srv.cards.Subscribers() == 0 }) {
		t.Error("the stream did not unsubscribe after the client left")
	}
	// A stopping server ends its streams, or Shutdown would wait for them.
	ch, hangUp = eventStream(t, base+"/preview/events")
	defer hangUp()
	nextEvent(ch)
	srv.ready.Store(false)
	if ev := nextEvent(ch); ev != "" {
		t.Errorf("after the server began to stop: %q, want the stream to end", ev)
	}
}

// eventually reports whether cond comes true within 3 s.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(3 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// TestPreviewRenderVariants: every render lists the layout's size variants
// with their sizes, ?variant= draws one (the served layout's or a posted
// draft's) at its own size, and an unknown name is a 404 that says which
// variants there are.
func TestPreviewRenderVariants(t *testing.T) {
	srv, base, dir := newPreviewServer(t)
	variants := func(resp *http.Response) []previewVariant {
		t.Helper()
		js, _ := url.PathUnescape(resp.Header.Get("X-Variants")) // as the page's decodeURIComponent
		var vs []previewVariant
		if err := json.Unmarshal([]byte(js), &vs); err != nil {
			t.Fatalf("X-Variants %q: %v", resp.Header.Get("X-Variants"), err)
		}
		return vs
	}
	size := func(body []byte) image.Point {
		t.Helper()
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("not a png: %v (%.200s)", err, body)
		}
		return img.Bounds().Size()
	}
	square := previewVariant{"square", 800, 800}

	_, body := previewDo(t, "GET", base+"/preview/api/layouts", nil)
	var list struct{ Layouts []previewLayout }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	for _, l := range list.Layouts {
		if l.Name == "news" && !slices.Equal(l.Variants, []previewVariant{square}) {
			t.Errorf("layouts: news variants %+v, want square 800x800", l.Variants)
		}
	}

	resp, body := previewDo(t, "GET", base+"/preview/api/render?layout=news&format=png", nil)
	if resp.StatusCode != 200 || size(body) != image.Pt(1200, 630) || !slices.Equal(variants(resp), []previewVariant{square}) {
		t.Fatalf("base render: %d, X-Variants %q", resp.StatusCode, resp.Header.Get("X-Variants"))
	}
	resp, body = previewDo(t, "GET", base+"/preview/api/render?layout=news&format=png&variant=square&title=Square", nil)
	if resp.StatusCode != 200 || size(body) != image.Pt(800, 800) || !slices.Equal(variants(resp), []previewVariant{square}) {
		t.Fatalf("square: %d, X-Variants %q", resp.StatusCode, resp.Header.Get("X-Variants"))
	}
	if resp, _ = previewDo(t, "GET", base+"/preview/api/render?layout=blog&format=png", nil); resp.StatusCode != 200 || len(variants(resp)) != 0 {
		t.Errorf("a layout without variants: %d, X-Variants %q, want []", resp.StatusCode, resp.Header.Get("X-Variants"))
	}

	// A draft, never saved, with a variant of its own: listed and drawn.
	src, _ := os.ReadFile(filepath.Join(dir, "news.json"))
	draft := bytes.Replace(src, []byte(`"variants": {`), []byte(`"variants": {
    "x": {"canvas": {"width": 1200, "height": 600}},`), 1)
	resp, body = previewDo(t, "POST", base+"/preview/api/render?layout=news&format=png&variant=x", draft)
	if resp.StatusCode != 200 || size(body) != image.Pt(1200, 600) ||
		!slices.Equal(variants(resp), []previewVariant{square, {"x", 1200, 600}}) {
		t.Fatalf("draft's x: %d, X-Variants %q", resp.StatusCode, resp.Header.Get("X-Variants"))
	}

	for method, layout := range map[string][]byte{"GET": nil, "POST": src} {
		resp, body = previewDo(t, method, base+"/preview/api/render?layout=news&format=png&variant=nope", layout)
		var e struct{ Error string }
		if _ = json.Unmarshal(body, &e); resp.StatusCode != 404 || !strings.Contains(e.Error, `no variant "nope"`) || !strings.Contains(e.Error, "square") {
			t.Errorf("%s unknown variant: %d %s, want 404 naming it and the variants there are", method, resp.StatusCode, body)
		}
	}
	assertProductionUntouched(t, srv, base)
}
