package source

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"github.com/ogcard/ogcard/engine"
)

// SQLConfig says where and how a SQL source finds a card's data.
type SQLConfig struct {
	// Driver is "sqlite" (modernc.org/sqlite, pure Go) or "postgres" (pgx).
	Driver string
	// DSN is the driver's data source name: a file name or "file:" URI for
	// SQLite, a postgres:// URL or "key=value" string for PostgreSQL.
	DSN string
	// Query takes the slug as its one parameter (? for SQLite, $1 for
	// PostgreSQL). Its column names become the field names, so alias them:
	// SELECT title, image_url AS "imageUrl" FROM articles WHERE slug = ?
	Query string
	// ListQuery, optional, lists every card for `ogcard warm` (see
	// Lister): the same SELECT list as Query with the slug column first,
	// and no WHERE, such as
	// SELECT slug, title, image_url AS "imageUrl" FROM articles
	// Empty: the source cannot list.
	ListQuery string
	// Timeout bounds one lookup, waiting for a connection included; zero
	// means 2s.
	Timeout time.Duration
}

// defaultSQLTimeout keeps a slow database from holding a render request
// long after the client would have given up on the image.
const defaultSQLTimeout = 2 * time.Second

// SQL is a Source that runs one query per lookup. It is safe for
// concurrent use.
type SQL struct {
	db        *sql.DB
	driver    string
	query     string
	listQuery string
	timeout   time.Duration
	// closed turns the unexported "database is closed" error of
	// database/sql into ErrUnavailable without matching its text.
	closed atomic.Bool

	// stmt is the lookup query, prepared on first use (not at start, which
	// would need the database up): parsing it for every request was an
	// eighth of a cache hit's CPU time on SQLite.
	stmtMu sync.Mutex
	stmt   *sql.Stmt
}

var _ Source = (*SQL)(nil)

// NewSQL checks cfg and opens a connection pool. It does not connect: a
// database that is down at start makes lookups fail with ErrUnavailable
// until it is back, rather than keeping the server from starting.
func NewSQL(cfg SQLConfig) (*SQL, error) {
	driverName, err := checkSQLConfig(cfg)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Driver, err)
	}
	setPoolLimits(db, cfg.Driver)
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = defaultSQLTimeout
	}
	return &SQL{db: db, driver: cfg.Driver, query: cfg.Query, listQuery: strings.TrimSpace(cfg.ListQuery), timeout: timeout}, nil
}

// checkSQLConfig returns the database/sql driver name for cfg, or why cfg
// cannot work.
func checkSQLConfig(cfg SQLConfig) (string, error) {
	var driverName, placeholder string
	switch cfg.Driver {
	case "sqlite":
		driverName, placeholder = "sqlite", "?"
	case "postgres":
		driverName, placeholder = "pgx", "$1"
	default:
		return "", fmt.Errorf("sql source: driver %q: must be \"sqlite\" or \"postgres\"", cfg.Driver)
	}
	if strings.TrimSpace(cfg.DSN) == "" {
		return "", errors.New("sql source: dsn is empty")
	}
	if strings.TrimSpace(cfg.Query) == "" {
		return "", errors.New("sql source: query is empty")
	}
	// A query without the placeholder would return the same row for every
	// slug, or fail on every lookup with an argument-count error.
	if !strings.Contains(cfg.Query, placeholder) {
		return "", fmt.Errorf("sql source: query must take the slug as %s", placeholder)
	}
	if cfg.Timeout < 0 {
		return "", fmt.Errorf("sql source: timeout %v is negative", cfg.Timeout)
	}
	if cfg.Driver == "postgres" {
		// sql.Open parses a DSN only on the first connection; a typo is
		// better reported at start than as an error on every lookup.
		if _, err := pgx.ParseConfig(cfg.DSN); err != nil {
			return "", fmt.Errorf("sql source: dsn: %w", err)
		}
	}
	return driverName, nil
}

// setPoolLimits keeps enough connections for the render workers (2 to a
// few per core) without taking a large share of a shared PostgreSQL
// server's max_connections, and recycles them so a failover or a
// restarted server is picked up.
func setPoolLimits(db *sql.DB, driver string) {
	// As many idle as open: with more concurrent lookups than idle slots,
	// connections were closed and reopened under load.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if driver == "postgres" {
		db.SetConnMaxLifetime(30 * time.Minute)
	}
}

// Lookup runs the query with slug and returns the first row's non-NULL
// columns by column name.
func (s *SQL) Lookup(ctx context.Context, slug string) (engine.Data, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("%w: %s source is closed", ErrUnavailable, s.driver)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	stmt, err := s.prepared(ctx)
	if err != nil {
		return nil, s.wrapErr(ctx, slug, err)
	}
	rows, err := stmt.QueryContext(ctx, slug)
	if err != nil {
		return nil, s.wrapErr(ctx, slug, err)
	}
	defer rows.Close()
	data, err := firstRow(rows)
	if err != nil {
		return nil, s.wrapErr(ctx, slug, err)
	}
	if data == nil {
		return nil, fmt.Errorf("%s source: slug %q: %w", s.driver, slug, ErrNotFound)
	}
	return data, nil
}

// prepared returns the prepared lookup query, preparing it if no earlier
// attempt succeeded. database/sql re-prepares it on each new connection.
func (s *SQL) prepared(ctx context.Context) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if s.stmt != nil {
		return s.stmt, nil
	}
	stmt, err := s.db.PrepareContext(ctx, s.query)
	if err != nil {
		return nil, err
	}
	s.stmt = stmt
	return stmt, nil
}

// firstRow scans the first row of rows into Data, or returns nil Data when
// there is no row. Later rows are not read: the slug is meant to be a key,
// and a query that matches more is still answered.
func firstRow(rows *sql.Rows) (engine.Data, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read row: %w", err)
		}
		return nil, nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("scan row: %w", err)
	}
	data := make(engine.Data, len(cols))
	for i, col := range cols {
		if v, ok := fieldValue(vals[i]); ok {
			data[col] = v
		}
	}
	return data, nil
}

// fieldValue turns a value scanned into any (always one of the
// database/sql/driver.Value types) into what a layout field takes. NULL is
// left out so that the field's default applies.
func fieldValue(v any) (any, bool) {
	switch v := v.(type) {
	case nil:
		return nil, false
	case []byte:
		return string(v), true
	case time.Time:
		return v.Format(time.RFC3339), true
	case string, int64, float64, bool:
		return v, true
	default:
		return fmt.Sprint(v), true
	}
}

// wrapErr adds context to a failed lookup and marks the failures a retry
// may cure with ErrUnavailable.
func (s *SQL) wrapErr(ctx context.Context, slug string, err error) error {
	err = fmt.Errorf("%s source: slug %q: %w", s.driver, slug, err)
	if s.closed.Load() || ctx.Err() != nil || transientSQLError(err) {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// The driver may report its own error for a cancelled query
			// (SQLite's "interrupted"); keep the context's reason visible.
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// Close closes the connection pool; later lookups fail with
// ErrUnavailable.
func (s *SQL) Close() error {
	s.closed.Store(true)
	s.stmtMu.Lock()
	if s.stmt != nil {
		s.stmt.Close() //nolint:errcheck // the pool's close below reports what matters
	}
	s.stmtMu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s source: %w", s.driver, err)
	}
	return nil
}
