package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/testrig/s3test"
	"github.com/ogcard/ogcard/source"
)

// warmTestConfig is a service with a disk store and a data folder of its
// own, holding a copy of testdata/bg.jpg as photos/bg.jpg: the server
// reads local pictures inside its data folder only.
func warmTestConfig(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.CacheURL = "file://" + t.TempDir()
	cfg.SigningKeys = []string{testKey}
	cfg.Demo, cfg.Watch, cfg.Preview = false, false, false
	photo, err := os.ReadFile("../testdata/bg.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(cfg.DataDir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, "photos", "bg.jpg"), photo, 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// newWarmServer is New for cfg, closed with the test.
func newWarmServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// hook makes f storable in Server.beforeRender.
func hook(f func()) *func() { return &f }

// newWarm prepares a warm run on s's pipeline and sources, as `ogcard
// warm` does on its own.
func newWarm(s *Server, opts cards.WarmOptions) (*cards.Warm, error) {
	opts.Sources = s.sources
	return s.cards.NewWarm(opts)
}

// newsCards is n distinct news cards' data, with the photo in the data
// folder.
func newsCards(cfg Config, n int) []engine.Data {
	rows := make([]engine.Data, n)
	for i := range rows {
		rows[i] = engine.Data{
			"slug":     fmt.Sprintf("story-%02d", i+1),
			"title":    fmt.Sprintf("Warm story number %d makes the news", i+1),
			"imageUrl": filepath.Join(cfg.DataDir, "photos", "bg.jpg"),
			"brand":    "Medial",
		}
	}
	return rows
}

// writeJSONL writes lines (data, or raw text for a string) to a file.
func writeJSONL(t *testing.T, lines ...any) string {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		switch l := l.(type) {
		case string:
			b.WriteString(l)
		default:
			j, err := json.Marshal(l)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(j)
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "cards.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func asLines(rows []engine.Data) []any {
	lines := make([]any, len(rows))
	for i, c := range rows {
		lines[i] = c
	}
	return lines
}

// warm runs one warm with a fresh server, as `ogcard warm` does.
func warm(t *testing.T, cfg Config, opts cards.WarmOptions) (*cards.WarmReport, *Server) {
	t.Helper()
	s := newWarmServer(t, cfg)
	w, err := newWarm(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

func wantCounts(t *testing.T, what string, r *cards.WarmReport, rendered, skipped, failed int64) {
	t.Helper()
	if r.Rendered != rendered || r.Skipped != skipped || r.Failed != failed {
		t.Fatalf("%s: rendered %d, skipped %d, failed %d (%+v); want %d, %d, %d",
			what, r.Rendered, r.Skipped, r.Failed, r.Failures, rendered, skipped, failed)
	}
}

// signedURL is the /og/ URL a site would use for the card of data.
func signedURL(t *testing.T, data engine.Data, format string) string {
	t.Helper()
	q := url.Values{}
	for _, k := range []string{"title", "imageUrl", "brand"} {
		if v, ok := data[k].(string); ok {
			q.Set(k, v)
		}
	}
	return signed(t, "/og/news."+format+"?"+q.Encode(), testKey)
}

// wantServedFromStore asks a fresh server for each card and checks that
// it answered every one without rendering.
func wantServedFromStore(t *testing.T, cfg Config, urls []string) {
	t.Helper()
	s := newWarmServer(t, cfg)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, u := range urls {
		resp, body := get(t, "GET", ts.URL+u)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
			t.Fatalf("GET %s: %d %.200s", u, resp.StatusCode, body)
		}
	}
	if n := s.Renders(); n != 0 {
		t.Errorf("the server rendered %d of %d warmed cards; want all from the store", n, len(urls))
	}
}

func TestWarmJSONLThenServeFromStore(t *testing.T) {
	cfg := warmTestConfig(t)
	rows := newsCards(cfg, 30)
	file := writeJSONL(t, asLines(rows)...)
	opts := cards.WarmOptions{Layout: "news", Source: file, Formats: []engine.Format{engine.WebP, engine.PNG}}

	r, s := warm(t, cfg, opts)
	wantCounts(t, "first run", r, 60, 0, 0)
	if r.Total != 60 || r.Interrupted || s.Renders() != 60 {
		t.Errorf("first run: total %d, interrupted %v, %d renders; want 60, false, 60", r.Total, r.Interrupted, s.Renders())
	}

	r, s = warm(t, cfg, opts)
	wantCounts(t, "second run", r, 0, 60, 0)
	if s.Renders() != 0 {
		t.Errorf("second run rendered %d cards; want none", s.Renders())
	}

	var urls []string
	for _, c := range rows {
		urls = append(urls, signedURL(t, c, "webp"), signedURL(t, c, "png"))
	}
	wantServedFromStore(t, cfg, urls)
}

func TestWarmResumesAfterInterruption(t *testing.T) {
	cfg := warmTestConfig(t)
	file := writeJSONL(t, asLines(newsCards(cfg, 30))...)
	opts := cards.WarmOptions{Layout: "news", Source: file, Jobs: 2, Formats: []engine.Format{engine.WebP}}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newWarmServer(t, cfg)
	var draws atomic.Int64
	s.beforeRender.Store(hook(func() {
		if draws.Add(1) == 8 {
			cancel() // as SIGINT does
		}
	}))
	w, err := newWarm(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	first, err := w.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Interrupted || first.Rendered < 8 || first.Rendered >= 30 || first.Failed != 0 {
		t.Fatalf("interrupted run: %+v; want interrupted after 8 to 29 cards, none failed", first)
	}
	if first.Rendered != draws.Load() {
		t.Errorf("interrupted run stored %d cards of %d drawn: cards in flight must be finished", first.Rendered, draws.Load())
	}

	second, s2 := warm(t, cfg, opts)
	wantCounts(t, "resumed run", second, 30-first.Rendered, first.Rendered, 0)
	if s2.Renders() != second.Rendered {
		t.Errorf("resumed run rendered %d cards, reported %d", s2.Renders(), second.Rendered)
	}
}

func TestWarmReportsBadLinesAndFailedPictures(t *testing.T) {
	cfg := warmTestConfig(t)
	good := newsCards(cfg, 3)
	outside, err := filepath.Abs("../testdata/bg.jpg") // a real picture, outside the data folder
	if err != nil {
		t.Fatal(err)
	}
	file := writeJSONL(t,
		good[0],                    // line 1
		"",                         // 2: blank, skipped
		`{"title": "unterminated"`, // 3
		`[1, 2]`,                   // 4
		map[string]any{"title": map[string]any{"nested": true}},                                          // 5
		map[string]any{"brand": "no title"},                                                              // 6
		map[string]any{"slug": "outside", "title": "Photo outside the data folder", "imageUrl": outside}, // 7
		map[string]any{"title": "Photo on loopback", "imageUrl": "http://127.0.0.1:9/photo.jpg"},         // 8
		"   ",                                   // 9: blank
		good[1],                                 // 10
		`{"title": "two"} {"title": "objects"}`, // 11
		good[2],                                 // 12
	)
	opts := cards.WarmOptions{Layout: "news", Source: file, Formats: []engine.Format{engine.WebP}}
	r, _ := warm(t, cfg, opts)
	wantCounts(t, "run", r, 3, 0, 7)
	if r.Total != 10 {
		t.Errorf("total %d; want 10 (blank lines are not cards)", r.Total)
	}
	want := map[string][]string{
		"malformed line":               {"line 3: not JSON: unexpected EOF", "line 4: an array, not a JSON object of field values", "line 11: text after the JSON object"},
		`bad data in field "title"`:    {"line 5: must be a string or a number", "line 6: is required"},
		"picture not loaded (file)":    {"line 7 (outside): layer \"photo\" (/layers/0): local file outside the allowed folder"},
		"picture not loaded (blocked)": {"line 8: layer \"photo\" (/layers/0): blocked: "},
	}
	got := map[string]cards.WarmFailure{}
	for _, f := range r.Failures {
		got[f.Reason] = f
	}
	for reason, examples := range want {
		f, ok := got[reason]
		if !ok || f.Count != int64(len(examples)) {
			t.Errorf("reason %q: %+v; want %d cards (all failures: %+v)", reason, f, len(examples), r.Failures)
			continue
		}
		for i, e := range examples {
			if !strings.HasPrefix(f.Examples[i], e) {
				t.Errorf("reason %q: example %q; want it to start %q", reason, f.Examples[i], e)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("failures %+v; want only %d reasons", r.Failures, len(want))
	}

	// Cards drawn with a fallback picture were not stored: a rerun
	// tries them again, and skips the good ones.
	r, _ = warm(t, cfg, opts)
	wantCounts(t, "rerun", r, 0, 3, 7)
}

// TestWarmCountsAMalformedLineOnce checks that a line that is not JSON is
// one failure however many formats are warmed, and that the total still
// adds up.
func TestWarmCountsAMalformedLineOnce(t *testing.T) {
	cfg := warmTestConfig(t)
	good := newsCards(cfg, 2)
	file := writeJSONL(t, good[0], `{"title": "unterminated"`, good[1])
	formats := []engine.Format{engine.WebP, engine.PNG, engine.JPEG}
	r, _ := warm(t, cfg, cards.WarmOptions{Layout: "news", Source: file, Formats: formats})
	wantCounts(t, "run", r, 6, 0, 1)
	if len(r.Failures) != 1 || r.Failures[0].Reason != "malformed line" || r.Failures[0].Count != 1 {
		t.Errorf("failures %+v; want one malformed line", r.Failures)
	}
	if r.Total != 7 || r.Done() != r.Total {
		t.Errorf("total %d, done %d; want 7 and 7 (2 rows in 3 formats, 1 malformed line)", r.Total, r.Done())
	}
}

func TestWarmFromTheDemoDatabase(t *testing.T) {
	cfg := warmTestConfig(t)
	cfg.Demo = true
	r, _ := warm(t, cfg, cards.WarmOptions{Layout: "news", Source: "news"})
	// Six articles, each for browsers (webp) and for crawlers (jpeg):
	// five photos and one article without, whose fallback is no failure.
	wantCounts(t, "demo", r, 12, 0, 0)
	if r.Total != 12 {
		t.Errorf("total %d; want 12 from the list query's COUNT, times two formats", r.Total)
	}
	wantServedFromStore(t, cfg, []string{
		"/api/v1/og/news/budget-2025", "/api/v1/og/news/launch-day", "/api/v1/og/news/city-trees-opinion",
	})
}

func TestWarmSQLSourceMustListLikeItLooksUp(t *testing.T) {
	dsn, err := source.CreateDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, list, want string }{
		{"no list query", "", "no list query (list_query"},
		{"an alias missing", `SELECT slug, title, image_url, brand FROM articles`, `disagree on slug "budget-2025" (fields imageUrl)`},
		{"slug only", `SELECT slug FROM articles`, "list query returns 1 column(s)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := warmTestConfig(t)
			cfg.Sources = map[string]SourceConfig{"news": {Type: "sql", Driver: "sqlite", DSN: dsn, Query: source.DemoQuery, ListQuery: c.list}}
			s := newWarmServer(t, cfg)
			w, err := newWarm(s, cards.WarmOptions{Layout: "news", Source: "news"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := w.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
			if r.Rendered != 0 {
				t.Errorf("rendered %d cards before refusing; want none", r.Rendered)
			}
		})
	}
}

func TestWarmRefusals(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Config)
		opts   cards.WarmOptions
		want   string
	}{
		{"memory store", func(c *Config) { c.CacheURL = "mem://" }, cards.WarmOptions{Layout: "news", Source: "x.jsonl"}, "nothing to warm into"},
		{"unknown layout", nil, cards.WarmOptions{Layout: "nope", Source: "x.jsonl"}, `no layout "nope" in built-in layouts (layouts: article, blog, docs, event, news, podcast, product, quote, repo, speaker)`},
		{"http source", func(c *Config) {
			c.Sources = map[string]SourceConfig{"news": {Type: "http", URL: "http://127.0.0.1:9/{slug}", Fields: map[string]string{"title": "title"}}}
		}, cards.WarmOptions{Layout: "news", Source: "news"}, `source "news" cannot list its cards (an HTTP API has no listing)`},
		{"no such file", nil, cards.WarmOptions{Layout: "news", Source: "missing.jsonl"}, `no source is named "missing.jsonl" (sources: none) and there is no such JSONL file`},
		{"a folder", nil, cards.WarmOptions{Layout: "news", Source: "."}, "is a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := warmTestConfig(t)
			if c.mutate != nil {
				c.mutate(&cfg)
			}
			_, err := newWarm(newWarmServer(t, cfg), c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}

// An S3 store that does not answer stops the run before any card is
// drawn, rather than failing every card after drawing it.
func TestWarmStoreDownFailsAtStart(t *testing.T) {
	cfg := warmTestConfig(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg.CacheURL = "s3://nobucket?endpoint=http://127.0.0.1:9&region=us-east-1&use_path_style=true"
	s := newWarmServer(t, cfg)
	w, err := newWarm(s, cards.WarmOptions{Layout: "news", Source: writeJSONL(t, asLines(newsCards(cfg, 1))...)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "card store s3://nobucket") {
		t.Fatalf("error %v; want the store named", err)
	}
	if s.Renders() != 0 {
		t.Errorf("%d cards drawn against a dead store", s.Renders())
	}
}

func TestWarmIntoS3(t *testing.T) {
	bucket := s3test.BucketURL(t)
	cfg := warmTestConfig(t)
	cfg.CacheURL = bucket
	rows := newsCards(cfg, 5)
	opts := cards.WarmOptions{Layout: "news", Source: writeJSONL(t, asLines(rows)...), Formats: []engine.Format{engine.WebP}}
	r, _ := warm(t, cfg, opts)
	wantCounts(t, "first run", r, 5, 0, 0)
	r, _ = warm(t, cfg, opts)
	wantCounts(t, "second run", r, 0, 5, 0)
	var urls []string
	for _, c := range rows {
		urls = append(urls, signedURL(t, c, "webp"))
	}
	wantServedFromStore(t, cfg, urls)
}

// storeFailureLimit is cards' limit of store failures in a row.
const storeFailureLimit = 10

// A store that goes away mid-run stops the run after a few cards fail to
// reach it, instead of drawing every remaining card for nothing.
func TestWarmStopsWhenTheStoreGoesAway(t *testing.T) {
	s3 := s3test.Start(t)
	cfg := warmTestConfig(t)
	cfg.CacheURL = s3.URL
	s := newWarmServer(t, cfg)
	var draws atomic.Int64
	s.beforeRender.Store(hook(func() {
		if draws.Add(1) == 3 {
			s3.Stop()
		}
	}))
	w, err := newWarm(s, cards.WarmOptions{Layout: "news", Source: writeJSONL(t, asLines(newsCards(cfg, 60))...), Jobs: 4})
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the card store failed for every one of the last cards") {
		t.Fatalf("error %v; want the run stopped for its store", err)
	}
	if !r.Interrupted || r.Done() >= 60 || r.Failed < storeFailureLimit {
		t.Errorf("report %+v: want it stopped early after %d store failures", r.WarmProgress, storeFailureLimit)
	}
	if d := draws.Load(); d > 3+storeFailureLimit+4 {
		t.Errorf("%d cards drawn after the store went away; want at most a few", d)
	}
}

// Three shards warming one store together render every card exactly once
// (each card's key picks one shard), whatever order they run in, and a
// rerun of any shard renders nothing.
func TestWarmShardsSplitTheCards(t *testing.T) {
	cfg := warmTestConfig(t)
	rows := make([]engine.Data, 45)
	for i := range rows {
		rows[i] = engine.Data{"slug": fmt.Sprintf("shard-%02d", i), "title": fmt.Sprintf("Shard story %d", i), "brand": "Medial"}
	}
	file := writeJSONL(t, asLines(rows)...)
	var rendered int64
	for i := range 3 {
		r, _ := warm(t, cfg, cards.WarmOptions{Layout: "news", Source: file, Formats: []engine.Format{engine.WebP}, Shard: cards.Shard{Index: i, Count: 3}})
		if r.Failed != 0 || r.Skipped != 0 || r.Rendered+r.Elsewhere != 45 || r.Rendered == 0 {
			t.Fatalf("shard %d/3: %+v; want its part rendered and the rest left to the others", i, r.WarmProgress)
		}
		rendered += r.Rendered
	}
	if rendered != 45 {
		t.Errorf("the three shards rendered %d cards, want each of the 45 exactly once", rendered)
	}
	r, _ := warm(t, cfg, cards.WarmOptions{Layout: "news", Source: file, Formats: []engine.Format{engine.WebP}})
	wantCounts(t, "an unsharded rerun", r, 0, 45, 0)
}
