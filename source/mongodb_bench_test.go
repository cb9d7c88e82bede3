package source

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ogcard/ogcard/internal/testrig/ferrettest"
)

// benchArticles is how many articles both stores hold.
const benchArticles = 2000

func benchSlug(i int) string { return fmt.Sprintf("article-%04d", i%benchArticles) }

// BenchmarkLookup looks the same 2,000 articles up in SQLite and in
// FerretDB (the MongoDB source), one at a time and from 8 goroutines, and
// reports lookups/s and the 99th percentile of one lookup:
//
//	go test -run '^$' -bench Lookup -benchtime 4000x ./server/source
//
// FerretDB keeps its data in SQLite too, behind the MongoDB wire protocol
// and its own process; both stores have an index on the slug. FerretDB
// v1's SQLite handler pushes only _id conditions down to SQLite (it
// filters other fields in Go, document by document), so the slug is
// also measured as _id, which is the source's own cost.
func BenchmarkLookup(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) Source
	}{
		{"sqlite", benchSQLite},
		{"ferretdb", func(b *testing.B) Source { return benchFerretDB(b, "slug") }},
		{"ferretdb-slug-as-_id", func(b *testing.B) Source { return benchFerretDB(b, "_id") }},
	}
	for _, st := range stores {
		src := st.open(b)
		for _, workers := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/workers=%d", st.name, workers), func(b *testing.B) {
				benchLookups(b, src, workers)
			})
		}
	}
}

// benchLookups runs b.N lookups on workers goroutines, timing each.
func benchLookups(b *testing.B, src Source, workers int) {
	ctx := context.Background()
	if _, err := src.Lookup(ctx, benchSlug(0)); err != nil { // warms the pool up
		b.Fatal(err)
	}
	durations := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < b.N; i += workers {
				t0 := time.Now()
				if _, err := src.Lookup(ctx, benchSlug(i*7919)); err != nil {
					b.Error(err)
					return
				}
				durations[w] = append(durations[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(durations...)
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "lookups/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
}

func benchSQLite(b *testing.B) Source {
	dsn := "file:" + filepath.Join(b.TempDir(), "bench.db")
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE articles (slug TEXT PRIMARY KEY, title TEXT, image_url TEXT, brand TEXT)`); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchArticles {
		a := benchArticle(i)
		if _, err := tx.Exec(`INSERT INTO articles VALUES (?, ?, ?, ?)`, a.slug, a.title, a.imageURL, a.brand); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	s, err := NewSQL(SQLConfig{Driver: "sqlite", DSN: dsn, Query: `SELECT title, image_url AS "imageUrl", brand FROM articles WHERE slug = ?`})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchFerretDB fills a FerretDB with the articles, their slug in
// slugField, and opens a source on it with a timeout long enough to
// measure a loaded machine rather than fail on it.
func benchFerretDB(b *testing.B, slugField string) Source {
	srv := ferrettest.Start(b)
	client := srv.Client()
	coll := client.Database("site").Collection("news")
	docs := make([]any, benchArticles)
	for i := range docs {
		a := benchArticle(i)
		docs[i] = bson.D{{Key: slugField, Value: a.slug}, {Key: "title", Value: a.title}, {Key: "imageUrl", Value: a.imageURL}, {Key: "brand", Value: a.brand}}
	}
	ctx := context.Background()
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if slugField != "_id" {
		index := mongo.IndexModel{Keys: bson.D{{Key: slugField, Value: 1}}, Options: options.Index().SetUnique(true)}
		if _, err := coll.Indexes().CreateOne(ctx, index); err != nil {
			b.Fatal(err)
		}
	}
	m, err := NewMongoDB(MongoConfig{URI: srv.URI, Database: "site", Collection: "news", SlugField: slugField, Timeout: time.Minute,
		Fields: map[string]string{"title": "title", "imageUrl": "imageUrl", "brand": "brand"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

type article struct{ slug, title, imageURL, brand string }

func benchArticle(i int) article {
	return article{
		slug:     benchSlug(i),
		title:    fmt.Sprintf("Headline number %d, long enough to wrap on a card like a real one does", i),
		imageURL: fmt.Sprintf("https://cdn.example.com/photos/%d.jpg", i),
		brand:    "NewsDaily",
	}
}
