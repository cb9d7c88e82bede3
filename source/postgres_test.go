package source

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ogcard/ogcard/internal/testrig/pgtest"
)

// newPostgresDB makes an articles table in a fresh database and returns a
// DSN for it.
func newPostgresDB(t *testing.T) string {
	t.Helper()
	dsn := pgtest.New(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`CREATE TABLE articles (slug text PRIMARY KEY, title text NOT NULL, image_url text,
			brand text, views integer, score double precision, published timestamptz)`,
		`INSERT INTO articles VALUES ('budget-2025', 'Budget 2025 Announced', '/photos/b.jpg',
			'Medial', 1200, 4.25, '2025-02-01 10:30:00+00')`,
		`INSERT INTO articles (slug, title) VALUES ('bare', 'मानसून 🚀')`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return dsn
}

const pgQuery = `SELECT title, image_url AS "imageUrl", brand, views, score, published
	FROM articles WHERE slug = $1`

func TestPostgresLookup(t *testing.T) {
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: newPostgresDB(t), Query: pgQuery})
	got := mustLookup(t, s, "budget-2025")
	// timestamptz comes back in the session's time zone: compare instants.
	published, err := time.Parse(time.RFC3339, got["published"].(string))
	if err != nil || !published.Equal(time.Date(2025, 2, 1, 10, 30, 0, 0, time.UTC)) {
		t.Errorf("published = %v (%v)", got["published"], err)
	}
	delete(got, "published")
	assertData(t, got, map[string]any{
		"title": "Budget 2025 Announced", "imageUrl": "/photos/b.jpg", "brand": "Medial",
		"views": int64(1200), "score": 4.25,
	})
	assertData(t, mustLookup(t, s, "bare"), map[string]any{"title": "मानसून 🚀"})
}

func TestPostgresNotFound(t *testing.T) {
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: newPostgresDB(t), Query: pgQuery})
	_, err := s.Lookup(context.Background(), "nope")
	assertKind(t, err, ErrNotFound)
}

// TestPostgresDown checks that a server not listening is an outage,
// reported within the timeout.
func TestPostgresDown(t *testing.T) {
	host, port, _ := net.SplitHostPort(closedPort(t))
	dsn := "postgres://postgres@" + host + ":" + port + "/postgres?sslmode=disable"
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: dsn, Query: pgQuery, Timeout: 500 * time.Millisecond})
	start := time.Now()
	_, err := s.Lookup(context.Background(), "budget-2025")
	assertKind(t, err, ErrUnavailable)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("lookup took %v with a 500ms timeout", d)
	}
}

// TestPostgresStalled checks a server that accepts connections but never
// answers, as one in trouble does.
func TestPostgresStalled(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	dsn := "postgres://postgres@" + l.Addr().String() + "/postgres?sslmode=disable"
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: dsn, Query: pgQuery, Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, err = s.Lookup(context.Background(), "budget-2025")
	assertKind(t, err, ErrUnavailable)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("lookup took %v with a 200ms timeout", d)
	}
}

func TestPostgresSlowQuery(t *testing.T) {
	slow := `SELECT pg_sleep(5)::text AS title WHERE $1::text IS NOT NULL`
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: newPostgresDB(t), Query: slow, Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := s.Lookup(context.Background(), "x")
	assertKind(t, err, ErrUnavailable)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("lookup took %v with a 200ms timeout", d)
	}
}

// TestPostgresMisconfigured checks that errors a retry cannot cure (a
// database or table that does not exist) are not reported as outages.
func TestPostgresMisconfigured(t *testing.T) {
	dsn := newPostgresDB(t)
	missingTable := openSQL(t, SQLConfig{Driver: "postgres", DSN: dsn, Query: `SELECT title FROM nope WHERE slug = $1`})
	_, err := missingTable.Lookup(context.Background(), "budget-2025")
	assertKind(t, err, nil)

	missingDB := openSQL(t, SQLConfig{Driver: "postgres", DSN: otherDatabase(t, dsn, "no_such_db_ogcard"), Query: pgQuery})
	_, err = missingDB.Lookup(context.Background(), "budget-2025")
	assertKind(t, err, nil)
}

// otherDatabase returns dsn, in either form, pointing at database name.
func otherDatabase(t *testing.T, dsn, name string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	quote := func(s string) string {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	}
	return fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable",
		quote(cfg.Host), cfg.Port, quote(cfg.User), quote(cfg.Password), quote(name))
}
