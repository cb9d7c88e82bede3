package source

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// newSQLiteDB makes a database with a table of every column type a query
// may return, and returns a DSN for it.
func newSQLiteDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`CREATE TABLE posts (slug TEXT, head TEXT, views INTEGER, score REAL,
			raw BLOB, published DATETIME, note TEXT)`,
		`INSERT INTO posts VALUES ('a', 'Hello', 42, 4.5, x'6869', '2025-02-01 10:30:00', NULL)`,
		`INSERT INTO posts VALUES ('dup', 'First', 1, NULL, NULL, NULL, NULL)`,
		`INSERT INTO posts VALUES ('dup', 'Second', 2, NULL, NULL, NULL, NULL)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

// TestSQLiteColumns checks aliases naming the fields, NULL left out, and
// each value type converted as documented.
func TestSQLiteColumns(t *testing.T) {
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: newSQLiteDB(t),
		Query: `SELECT head AS "title", views, score, raw, published, note FROM posts WHERE slug = ?`})
	assertData(t, mustLookup(t, s, "a"), map[string]any{
		"title":     "Hello",
		"views":     int64(42),
		"score":     4.5,
		"raw":       "hi",
		"published": "2025-02-01T10:30:00Z",
	})
}

func TestSQLiteFirstRow(t *testing.T) {
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: newSQLiteDB(t),
		Query: `SELECT head AS title FROM posts WHERE slug = ? ORDER BY views`})
	assertData(t, mustLookup(t, s, "dup"), map[string]any{"title": "First"})
}

func TestSQLiteNotFound(t *testing.T) {
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: newSQLiteDB(t),
		Query: `SELECT head FROM posts WHERE slug = ?`})
	_, err := s.Lookup(context.Background(), "zzz")
	assertKind(t, err, ErrNotFound)
}

func TestSQLClosed(t *testing.T) {
	s := demoSource(t)
	mustLookup(t, s, "budget-2025")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Lookup(context.Background(), "budget-2025")
	assertKind(t, err, ErrUnavailable)
}

// TestSQLiteLocked checks that a database another connection holds
// locked is an outage, not a bug.
func TestSQLiteLocked(t *testing.T) {
	path := newSQLiteDB(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// An exclusive transaction shuts out readers in SQLite's default
	// journal mode; the source's connection has no busy timeout.
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: path, Query: `SELECT head FROM posts WHERE slug = ?`})
	_, err = s.Lookup(context.Background(), "a")
	assertKind(t, err, ErrUnavailable)
}

// TestSQLiteTimeout checks that a query running past the timeout is
// interrupted, promptly, as an outage.
func TestSQLiteTimeout(t *testing.T) {
	slow := `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
		SELECT count(*) AS n FROM c WHERE ? IS NOT NULL`
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: newSQLiteDB(t), Query: slow, Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := s.Lookup(context.Background(), "a")
	assertKind(t, err, ErrUnavailable)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("lookup took %v with a 100ms timeout", d)
	}
}

// TestSQLiteBadQuery checks that a broken query is reported as neither
// not-found nor an outage: it needs fixing, not retrying.
func TestSQLiteBadQuery(t *testing.T) {
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: newSQLiteDB(t), Query: `SELECT nope FROM posts WHERE slug = ?`})
	_, err := s.Lookup(context.Background(), "a")
	assertKind(t, err, nil)
}

func TestNewSQLInvalid(t *testing.T) {
	for name, cfg := range map[string]SQLConfig{
		"driver":         {Driver: "mysql", DSN: "x", Query: "SELECT 1 WHERE ? = 1"},
		"dsn":            {Driver: "sqlite", Query: "SELECT 1 WHERE ? = 1"},
		"query":          {Driver: "sqlite", DSN: "x"},
		"no placeholder": {Driver: "postgres", DSN: "host=/tmp", Query: "SELECT title FROM a WHERE slug = ?"},
		"timeout":        {Driver: "sqlite", DSN: "x", Query: "SELECT 1 WHERE ? = 1", Timeout: -time.Second},
		"postgres dsn":   {Driver: "postgres", DSN: "postgres://%zz", Query: "SELECT 1 WHERE $1 = ''"},
	} {
		if s, err := NewSQL(cfg); err == nil {
			s.Close()
			t.Errorf("%s: NewSQL(%+v) succeeded", name, cfg)
		}
	}
}
