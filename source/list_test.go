package source

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

func demoLister(t *testing.T) *SQL {
	t.Helper()
	dsn, err := CreateDemo(demoDir)
	if err != nil {
		t.Fatalf("CreateDemo: %v", err)
	}
	return openSQL(t, SQLConfig{Driver: "sqlite", DSN: dsn, Query: DemoQuery, ListQuery: DemoListQuery})
}

// Each lists every row with the data Lookup returns for its slug, and
// Count agrees with it.
func TestSQLEachListsWhatLookupReturns(t *testing.T) {
	s := demoLister(t)
	var slugs []string
	err := s.Each(context.Background(), func(slug string, data engine.Data) error {
		slugs = append(slugs, slug)
		assertData(t, data, mustLookup(t, s, slug))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Other tests may add rows to the package's demo database.
	if len(slugs) < len(demoArticles) || !slices.IsSorted(slugs) || !slices.Contains(slugs, "budget-2025") {
		t.Errorf("listed %v; want at least the %d demo slugs, in order", slugs, len(demoArticles))
	}
	n, err := s.Count(context.Background())
	if err != nil || n != int64(len(slugs)) {
		t.Errorf("Count = %d, %v; want %d, as listed", n, err, len(slugs))
	}
}

func TestSQLEachStops(t *testing.T) {
	s := demoLister(t)
	stop := errors.New("enough")
	calls := 0
	err := s.Each(context.Background(), func(string, engine.Data) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Each = %v after %d calls; want fn's error after 1", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = s.Each(ctx, func(string, engine.Data) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Each with a cancelled context = %v; want context.Canceled", err)
	}
}

func TestSQLWithoutListQueryCannotList(t *testing.T) {
	s := demoSource(t)
	err := s.Each(context.Background(), func(string, engine.Data) error { return nil })
	if !errors.Is(err, ErrCannotList) || !strings.Contains(err.Error(), "list_query") {
		t.Errorf("Each = %v; want ErrCannotList naming list_query", err)
	}
	if _, err := s.Count(context.Background()); !errors.Is(err, ErrCannotList) {
		t.Errorf("Count = %v; want ErrCannotList", err)
	}
	var _ Lister = s // the interface is there; the configuration is not
	if _, ok := Source(&HTTP{}).(Lister); ok {
		t.Error("the HTTP source claims to list its cards")
	}
}

func TestSQLListQueryBroken(t *testing.T) {
	dsn, err := CreateDemo(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: dsn, Query: DemoQuery, ListQuery: "SELECT slug, nope FROM articles"})
	err = s.Each(context.Background(), func(string, engine.Data) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "sqlite source: list query:") || errors.Is(err, ErrUnavailable) {
		t.Errorf("Each = %v; want a list query error that is no outage", err)
	}
}

// PostgreSQL: the list query streams with the lookup's column types, and
// COUNT over it works (PostgreSQL wants the subquery named).
func TestPostgresEach(t *testing.T) {
	list := `SELECT slug, title, image_url AS "imageUrl", brand, views, score, published FROM articles ORDER BY slug;`
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: newPostgresDB(t), Query: pgQuery, ListQuery: list})
	var slugs []string
	err := s.Each(context.Background(), func(slug string, data engine.Data) error {
		slugs = append(slugs, slug)
		assertData(t, data, mustLookup(t, s, slug))
		return nil
	})
	if err != nil || strings.Join(slugs, ",") != "bare,budget-2025" {
		t.Fatalf("Each listed %v, %v; want bare, budget-2025", slugs, err)
	}
	if n, err := s.Count(context.Background()); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2", n, err)
	}
}
