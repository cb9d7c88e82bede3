package server

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/testrig/ferrettest"
	"github.com/ogcard/ogcard/source"
)

// The original service's collection (slug, title, imageUrl, brand) serves
// the news layout as it is; a wrong-typed field is a 400 naming it; a
// killed server is a 503 with Retry-After and a red /readyz, until it is
// back.
func TestMongoDBSourceForNews(t *testing.T) {
	db := ferrettest.Start(t)
	coll := db.Client().Database("site").Collection("news")
	_, err := coll.InsertMany(context.Background(), []any{
		bson.D{{Key: "slug", Value: "budget-2025"}, {Key: "title", Value: "Budget passes"}, {Key: "brand", Value: "NewsDaily"}},
		bson.D{{Key: "slug", Value: "after-restart"}, {Key: "title", Value: "Still here"}},
		bson.D{{Key: "slug", Value: "bad-title"}, {Key: "title", Value: bson.D{{Key: "en", Value: "Nested"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, func(c *Config) {
		c.Sources = map[string]SourceConfig{"news": {Type: "mongodb", URI: db.URI, Database: "site", Collection: "news", Timeout: 500 * time.Millisecond}}
	})

	expect := func(path string, status int, bodyHas string) *http.Response {
		t.Helper()
		resp, body := get(t, "GET", ts.URL+path)
		if resp.StatusCode != status || !strings.Contains(string(body), bodyHas) {
			t.Fatalf("GET %s = %d %q; want %d with %q", path, resp.StatusCode, body, status, bodyHas)
		}
		return resp
	}
	expect("/api/v1/og/news/budget-2025.png", http.StatusOK, "")
	expect("/api/v1/og/news/no-such-slug.png", http.StatusNotFound, "")
	expect("/api/v1/og/news/bad-title.png", http.StatusBadRequest, `field \"title\"`)
	expect("/readyz", http.StatusOK, "ready")

	db.Stop()
	resp := expect("/api/v1/og/news/after-restart.png", http.StatusServiceUnavailable, "data source unavailable")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	expect("/readyz", http.StatusServiceUnavailable, "data source of layout news is down")

	db.Restart()
	var status int
	for range 60 {
		if resp, _ := get(t, "GET", ts.URL+"/readyz"); resp.StatusCode == http.StatusOK {
			status = resp.StatusCode
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if status != http.StatusOK {
		t.Fatal("/readyz stayed red after the restart")
	}
	expect("/api/v1/og/news/after-restart.png", http.StatusOK, "")
}

// The README's mongodb configuration decodes, and its password comes
// from the environment variable password_env names.
func TestMongoDBSourceConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ogcard.yaml")
	yaml := `sources:
  news:
    type: mongodb
    uri: mongodb://ogcard@db.example.com:27017/?authSource=admin
    password_env: OGCARD_TEST_MONGO_PASSWORD
    database: site
    collection: articles
    slug_field: permalink
    filter: {status: published, views: {$gt: 10}}
    fields: {title: headline.text, imageUrl: images.0.url}
    timeout: 1s
    server_selection_timeout: 3s
    max_pool_size: 4
`
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load([]string{"--config", file}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	sc := cfg.Sources["news"]
	if sc.SlugField != "permalink" || sc.Fields["imageUrl"] != "images.0.url" || sc.MaxPoolSize != 4 ||
		sc.ServerSelectionTimeout != 3*time.Second || sc.Filter["status"] != "published" {
		t.Errorf("decoded %+v", sc)
	}
	if _, err := source.Open(sc); err == nil || !strings.Contains(err.Error(), "OGCARD_TEST_MONGO_PASSWORD is empty") {
		t.Errorf("openMongoDB without the password = %v; want an error naming the variable", err)
	}
	t.Setenv("OGCARD_TEST_MONGO_PASSWORD", "s3cret")
	src, err := source.Open(sc)
	if err != nil {
		t.Fatalf("openMongoDB with the password: %v", err)
	}
	src.Close()

	bad := SourceConfig{Type: "mongodb", URI: "postgres://x", ListQuery: "SELECT 1"}
	got := errors.Join(bad.Validate("news")...)
	for _, want := range []string{"sources.news.uri", "needs database and collection", "sources.news.list_query"} {
		if got == nil || !strings.Contains(got.Error(), want) {
			t.Errorf("validate = %v; want %q", got, want)
		}
	}
}

// ogcard warm lists a mongodb source through its cursor: a run stopped
// part-way resumes, skipping what is stored, and serve then answers the
// cards from the store.
func TestWarmFromMongoDBResumes(t *testing.T) {
	db := ferrettest.Start(t)
	cfg := warmTestConfig(t)
	var docs []any
	for _, c := range newsCards(cfg, 12) {
		docs = append(docs, bson.D{{Key: "slug", Value: c["slug"]}, {Key: "title", Value: c["title"]},
			{Key: "imageUrl", Value: c["imageUrl"]}, {Key: "brand", Value: c["brand"]}, {Key: "status", Value: "published"}})
	}
	docs = append(docs, bson.D{{Key: "slug", Value: "draft"}, {Key: "title", Value: "Not yet"}, {Key: "status", Value: "draft"}})
	if _, err := db.Client().Database("site").Collection("news").InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	cfg.Sources = map[string]SourceConfig{"news": {Type: "mongodb", URI: db.URI, Database: "site", Collection: "news",
		Filter: map[string]any{"status": "published"}, Fields: map[string]string{"title": "title", "imageUrl": "imageUrl", "brand": "brand"}}}
	opts := cards.WarmOptions{Layout: "news", Source: "news", Jobs: 2, Formats: []engine.Format{engine.WebP}}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newWarmServer(t, cfg)
	var draws atomic.Int64
	s.beforeRender.Store(hook(func() {
		if draws.Add(1) == 5 {
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
	if !first.Interrupted || first.Total != 12 || first.Rendered == 0 || first.Rendered >= 12 {
		t.Fatalf("first run: %+v; want interrupted part-way through 12", first)
	}
	second, _ := warm(t, cfg, opts)
	wantCounts(t, "resumed run", second, 12-first.Rendered, first.Rendered, 0)
	wantServedFromStore(t, cfg, []string{"/api/v1/og/news/story-01.webp", "/api/v1/og/news/story-12.webp"})
}
