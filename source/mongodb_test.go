package source

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/testrig/ferrettest"
)

// mongoFixture is a FerretDB with one collection of articles in it.
type mongoFixture struct {
	srv  *ferrettest.Server
	coll *mongo.Collection
}

func newMongoFixture(t *testing.T, docs ...any) mongoFixture {
	t.Helper()
	srv := ferrettest.Start(t)
	coll := srv.Client().Database("news").Collection("articles")
	if len(docs) > 0 {
		if _, err := coll.InsertMany(context.Background(), docs); err != nil {
			t.Fatalf("insert: %v", err)
		}
	}
	return mongoFixture{srv: srv, coll: coll}
}

// open opens a source on the fixture's collection; cfg's URI, Database
// and Collection are filled in.
func (f mongoFixture) open(t *testing.T, cfg MongoConfig) *MongoDB {
	t.Helper()
	cfg.URI, cfg.Database, cfg.Collection = f.srv.URI, "news", "articles"
	m, err := NewMongoDB(cfg)
	if err != nil {
		t.Fatalf("NewMongoDB: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// originalArticle is a document as the original service stores it.
func originalArticle(slug, title string) bson.D {
	return bson.D{{Key: "_id", Value: "id-" + slug}, {Key: "slug", Value: slug}, {Key: "title", Value: title},
		{Key: "imageUrl", Value: "https://cdn.example.com/" + slug + ".jpg"}, {Key: "brand", Value: "NewsDaily"}}
}

// Without a field map a layout field reads the same-named document
// field: the original service's collection works as it is.
func TestMongoDBLookupSameNamedFields(t *testing.T) {
	f := newMongoFixture(t, originalArticle("budget-2025", "Budget passes"), originalArticle("other", "Other"))
	m := f.open(t, MongoConfig{})
	assertData(t, mustLookup(t, m, "budget-2025"), engine.Data{
		"_id": "id-budget-2025", "slug": "budget-2025", "title": "Budget passes",
		"imageUrl": "https://cdn.example.com/budget-2025.jpg", "brand": "NewsDaily",
	})
}

func TestMongoDBMissingSlugIsNotFound(t *testing.T) {
	f := newMongoFixture(t, originalArticle("budget-2025", "Budget passes"))
	m := f.open(t, MongoConfig{})
	_, err := m.Lookup(context.Background(), "no-such-slug")
	assertKind(t, err, ErrNotFound)
}

// nestedArticle has more than a card needs: the mapped paths must come
// back and nothing else must travel.
var nestedArticle = bson.D{
	{Key: "permalink", Value: "moon-landing"},
	{Key: "headline", Value: bson.D{{Key: "text", Value: "Moon landing"}, {Key: "kicker", Value: "SPACE"}}},
	{Key: "author", Value: bson.D{{Key: "name", Value: "Ada"}, {Key: "email", Value: "ada@example.com"}}},
	{Key: "images", Value: bson.A{
		bson.D{{Key: "url", Value: "https://cdn.example.com/1.jpg"}, {Key: "caption", Value: "first"}},
		bson.D{{Key: "url", Value: "https://cdn.example.com/2.jpg"}, {Key: "caption", Value: "second"}},
	}},
	{Key: "stats", Value: bson.D{{Key: "views", Value: int32(42)}, {Key: "score", Value: 4.5}}},
	{Key: "published", Value: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)},
	{Key: "body", Value: strings.Repeat("long text ", 1000)},
	{Key: "secret", Value: "internal note"},
}

var nestedFields = map[string]string{
	"title": "headline.text", "author": "author.name", "imageUrl": "images.0.url",
	"second": "images.1.url", "views": "stats.views", "date": "published", "missing": "author.twitter",
}

func TestMongoDBFieldMap(t *testing.T) {
	f := newMongoFixture(t, nestedArticle)
	m := f.open(t, MongoConfig{SlugField: "permalink", Fields: nestedFields})
	assertData(t, mustLookup(t, m, "moon-landing"), engine.Data{
		"title": "Moon landing", "author": "Ada", "imageUrl": "https://cdn.example.com/1.jpg",
		"second": "https://cdn.example.com/2.jpg", "views": int64(42), "date": "2025-03-01T12:00:00Z",
	})
}

// The lookup's projection is what the server sends back: the mapped paths
// only, not the body, the secret, the e-mail, the captions or _id.
func TestMongoDBProjectionFetchesOnlyMappedPaths(t *testing.T) {
	f := newMongoFixture(t, nestedArticle)
	m := f.open(t, MongoConfig{SlugField: "permalink", Fields: nestedFields})
	raw, err := m.coll.FindOne(context.Background(), m.slugFilter("moon-landing"), m.lookupOpt).Raw()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("projection %v fetched %v", projection(slices.Collect(maps.Values(m.fields))), raw)
	for _, travelled := range [][]string{{"headline", "text"}, {"author", "name"}, {"images", "0", "url"}, {"images", "1", "url"}, {"stats", "views"}, {"published"}} {
		if _, err := raw.LookupErr(travelled...); err != nil {
			t.Errorf("%s did not come back: %v", strings.Join(travelled, "."), err)
		}
	}
	for _, unmapped := range [][]string{{"_id"}, {"permalink"}, {"body"}, {"secret"}, {"author", "email"}, {"headline", "kicker"}, {"images", "0", "caption"}, {"stats", "score"}} {
		if _, err := raw.LookupErr(unmapped...); err == nil {
			t.Errorf("unmapped %s travelled", strings.Join(unmapped, "."))
		}
	}
	if len(raw) > 500 {
		t.Errorf("fetched %d bytes; the mapped fields are far fewer (the body alone is 10 kB)", len(raw))
	}
}

// A mapped path that holds a sub-document or an array is an error naming
// the layout field, as the engine's own data errors do.
func TestMongoDBWrongTypeNamesTheField(t *testing.T) {
	f := newMongoFixture(t, nestedArticle)
	m := f.open(t, MongoConfig{SlugField: "permalink", Fields: map[string]string{"title": "headline", "imageUrl": "images.0.url"}})
	_, err := m.Lookup(context.Background(), "moon-landing")
	var de *engine.DataError
	if !errors.As(err, &de) || de.Field != "title" || !strings.Contains(err.Error(), `"headline"`) || !strings.Contains(err.Error(), "embedded document") {
		t.Fatalf("err = %v; want a DataError for field title naming the path headline and its type", err)
	}
	assertKind(t, err, nil)
}

func TestMongoDBFilter(t *testing.T) {
	published := append(originalArticle("live", "Live"), bson.E{Key: "status", Value: "published"})
	draft := append(originalArticle("draft", "Draft"), bson.E{Key: "status", Value: "draft"})
	f := newMongoFixture(t, published, draft)
	m := f.open(t, MongoConfig{Filter: map[string]any{"status": "published"}, Fields: map[string]string{"title": "title"}})
	assertData(t, mustLookup(t, m, "live"), engine.Data{"title": "Live"})
	_, err := m.Lookup(context.Background(), "draft")
	assertKind(t, err, ErrNotFound)

	// A filter on the slug field itself is kept, joined with the slug.
	m = f.open(t, MongoConfig{Filter: map[string]any{"slug": map[string]any{"$ne": "live"}}, Fields: map[string]string{"title": "title"}})
	assertData(t, mustLookup(t, m, "draft"), engine.Data{"title": "Draft"})
	_, err = m.Lookup(context.Background(), "live")
	assertKind(t, err, ErrNotFound)
}

// A server killed mid-run makes lookups and the readiness check fail as
// unavailable (503), and the source recovers when the server returns on
// the same address with the same data.
func TestMongoDBServerKilledAndBack(t *testing.T) {
	f := newMongoFixture(t, originalArticle("budget-2025", "Budget passes"))
	m := f.open(t, MongoConfig{Timeout: 500 * time.Millisecond, Fields: map[string]string{"title": "title"}})
	mustLookup(t, m, "budget-2025")
	if err := m.Check(context.Background()); err != nil {
		t.Fatalf("Check with the server up: %v", err)
	}

	f.srv.Stop()
	_, err := m.Lookup(context.Background(), "budget-2025")
	assertKind(t, err, ErrUnavailable)
	assertKind(t, m.Check(context.Background()), ErrUnavailable)

	f.srv.Restart()
	// The driver finds the server again on its next check; a lookup
	// that raced it may still fail, as unavailable.
	var data engine.Data
	for range 60 {
		if data, err = m.Lookup(context.Background(), "budget-2025"); err == nil {
			break
		}
		assertKind(t, err, ErrUnavailable)
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("no recovery after the restart: %v", err)
	}
	assertData(t, data, engine.Data{"title": "Budget passes"})
	if err := m.Check(context.Background()); err != nil {
		t.Errorf("Check after the restart: %v", err)
	}
}

// No server at all: unavailable within the timeout, not a hang.
func TestMongoDBUnreachableIsUnavailable(t *testing.T) {
	m, err := NewMongoDB(MongoConfig{URI: "mongodb://" + closedPort(t) + "/", Database: "news", Collection: "articles", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = m.Lookup(context.Background(), "x")
	assertKind(t, err, ErrUnavailable)
	assertKind(t, m.Check(context.Background()), ErrUnavailable)
	_, err = m.Count(context.Background())
	assertKind(t, err, ErrUnavailable)
	m.Close()
	_, err = m.Lookup(context.Background(), "x")
	assertKind(t, err, ErrUnavailable)
}

// A server that takes connections and never answers is as unavailable
// as one that is down: the lookup ends at the source's timeout.
func TestMongoDBSilentServerIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var mu sync.Mutex
	var held []net.Conn
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // read nothing, answer nothing
			mu.Unlock()
		}
	}()
	m, err := NewMongoDB(MongoConfig{URI: "mongodb://" + l.Addr().String() + "/", Database: "news", Collection: "articles", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = m.Lookup(context.Background(), "x")
	assertKind(t, err, ErrUnavailable)
}

const listedArticles = 2000

// Each lists every document that meets the filter, once, through a
// cursor, with the data Lookup returns; Count agrees; fn's error and a
// cancelled context stop it.
func TestMongoDBEachLists2000(t *testing.T) {
	docs := make([]any, 0, listedArticles+10)
	for i := range listedArticles {
		docs = append(docs, bson.D{{Key: "_id", Value: i}, {Key: "slug", Value: fmt.Sprintf("article-%04d", i)},
			{Key: "title", Value: fmt.Sprintf("Title %d", i)}, {Key: "status", Value: "published"}, {Key: "body", Value: "..."}})
	}
	for i := range 10 {
		docs = append(docs, bson.D{{Key: "_id", Value: listedArticles + i}, {Key: "slug", Value: fmt.Sprintf("draft-%d", i)}, {Key: "status", Value: "draft"}})
	}
	f := newMongoFixture(t, docs...)
	m := f.open(t, MongoConfig{Filter: map[string]any{"status": "published"}, Fields: map[string]string{"title": "title"}})

	var slugs []string
	err := m.Each(context.Background(), func(slug string, data engine.Data) error {
		if len(slugs)%250 == 0 {
			assertData(t, data, mustLookup(t, m, slug))
		}
		slugs = append(slugs, slug)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if unique := slices.Compact(slices.Sorted(slices.Values(slugs))); len(slugs) != listedArticles || len(unique) != listedArticles {
		t.Fatalf("listed %d slugs; want the %d published, each once, in _id order", len(slugs), listedArticles)
	}
	if !slices.IsSorted(slugs) || slugs[0] != "article-0000" || slugs[listedArticles-1] != "article-1999" {
		t.Errorf("listed %s … %s, sorted %v; want article-0000 … article-1999 in _id order", slugs[0], slugs[len(slugs)-1], slices.IsSorted(slugs))
	}
	if n, err := m.Count(context.Background()); err != nil || n != listedArticles {
		t.Errorf("Count = %d, %v; want %d", n, err, listedArticles)
	}

	stop := errors.New("enough")
	calls := 0
	err = m.Each(context.Background(), func(string, engine.Data) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Each = %v after %d calls; want fn's error after 1", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = m.Each(ctx, func(string, engine.Data) error { calls++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || calls > 600 {
		t.Errorf("Each with a cancelled context = %v after %d calls; want context.Canceled within a batch", err, calls)
	}
}

func TestMongoDBConfigErrors(t *testing.T) {
	base := MongoConfig{URI: "mongodb://127.0.0.1:1/", Database: "d", Collection: "c"}
	for name, tc := range map[string]struct {
		mutate func(*MongoConfig)
		want   string
	}{
		"scheme":            {func(c *MongoConfig) { c.URI = "http://x/" }, "mongodb://"},
		"no database":       {func(c *MongoConfig) { c.Database = "" }, "database is empty"},
		"no collection":     {func(c *MongoConfig) { c.Collection = " " }, "collection is empty"},
		"operator path":     {func(c *MongoConfig) { c.Fields = map[string]string{"title": "a.$slice"} }, `field "title": bad path`},
		"empty path part":   {func(c *MongoConfig) { c.Fields = map[string]string{"title": "a..b"} }, `field "title": bad path`},
		"password, no user": {func(c *MongoConfig) { c.Password = "pw" }, "names no user"},
		"two passwords":     {func(c *MongoConfig) { c.URI = "mongodb://u:p@127.0.0.1:1/"; c.Password = "pw" }, "keep only one"},
		"negative timeout":  {func(c *MongoConfig) { c.Timeout = -time.Second }, "negative"},
		"bad uri option":    {func(c *MongoConfig) { c.URI = "mongodb://127.0.0.1:1/?maxPoolSize=many" }, "uri"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := base
			tc.mutate(&cfg)
			_, err := NewMongoDB(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewMongoDB = %v; want an error containing %q", err, tc.want)
			}
		})
	}
	cfg := base
	cfg.URI, cfg.Password = "mongodb://reader@127.0.0.1:1/", "pw"
	m, err := NewMongoDB(cfg)
	if err != nil {
		t.Fatalf("a user in the uri and the password apart: %v", err)
	}
	m.Close()
}

func TestProjection(t *testing.T) {
	split := func(ps ...string) [][]string {
		var out [][]string
		for _, p := range ps {
			out = append(out, strings.Split(p, "."))
		}
		return out
	}
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"title"}, `{"title": 1, "_id": 0}`},
		{[]string{"images.0.url", "author.name"}, `{"author.name": 1, "images.0.url": 1, "images.url": 1, "_id": 0}`},
		{[]string{"author", "author.name", "title"}, `{"author": 1, "title": 1, "_id": 0}`},
		{[]string{"tags.0", "tags.1"}, `{"tags": 1, "_id": 0}`},
		{[]string{"_id", "title"}, `{"_id": 1, "title": 1}`},
	} {
		got := fmt.Sprint(projection(split(tc.paths...)))
		want := fmt.Sprint(mustD(t, tc.want))
		if got != want {
			t.Errorf("projection(%v) = %s; want %s", tc.paths, got, want)
		}
	}
}

func mustD(t *testing.T, extJSON string) bson.D {
	t.Helper()
	var d bson.D
	if err := bson.UnmarshalExtJSON([]byte(extJSON), false, &d); err != nil {
		t.Fatal(err)
	}
	return d
}
