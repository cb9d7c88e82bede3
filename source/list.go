package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// Lister is a Source that can enumerate every card it holds, for
// `ogcard warm` to pre-render a whole site. It is optional: an HTTP API
// has no standard way to list what it would answer, so only the SQL
// source (with a list query configured) and the MongoDB source implement
// it.
type Lister interface {
	// Each calls fn with every slug and its data, in the form Lookup
	// returns them for that slug, streaming: rows are read as fn takes
	// them, never all held at once. It stops at the first error fn
	// returns, and returns it; when ctx ends it returns ctx's error.
	Each(ctx context.Context, fn func(slug string, data engine.Data) error) error
	// Count returns how many cards Each would list, for a progress bar;
	// an error only means the total is unknown.
	Count(ctx context.Context) (int64, error)
}

// ErrCannotList means a source was asked to list its cards but is not
// set up to.
var ErrCannotList = errors.New("cannot list its cards")

var _ Lister = (*SQL)(nil)

// countTimeout bounds the COUNT behind a progress bar: a total is nice to
// have, not worth minutes of a large table's scan.
const countTimeout = 30 * time.Second

// Each runs the list query, one streaming query for the whole table. Its
// first column is the slug, the others are the fields, as the lookup
// query returns them; a NULL slug is passed as "".
func (s *SQL) Each(ctx context.Context, fn func(slug string, data engine.Data) error) error {
	if err := s.canList(); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, s.listQuery)
	if err != nil {
		return s.listErr(ctx, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return s.listErr(ctx, err)
	}
	if len(cols) < 2 {
		return fmt.Errorf("%s source: list query returns %d column(s): it must return the slug first, then the fields", s.driver, len(cols))
	}
	for rows.Next() {
		// database/sql notices a cancelled ctx in its own time: rows
		// already read may still come.
		if err := ctx.Err(); err != nil {
			return err
		}
		slug, data, err := scanListed(rows, cols)
		if err != nil {
			return s.listErr(ctx, err)
		}
		if err := fn(slug, data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.listErr(ctx, err)
	}
	return ctx.Err()
}

// scanListed reads one row of the list query: the slug, then the fields
// by column name, NULLs left out as Lookup leaves them out.
func scanListed(rows interface{ Scan(...any) error }, cols []string) (string, engine.Data, error) {
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", nil, fmt.Errorf("scan row: %w", err)
	}
	var slug string
	if v, ok := fieldValue(vals[0]); ok {
		slug = fmt.Sprint(v)
	}
	data := make(engine.Data, len(cols)-1)
	for i, col := range cols[1:] {
		if v, ok := fieldValue(vals[i+1]); ok {
			data[col] = v
		}
	}
	return slug, data, nil
}

// Count counts the list query's rows.
func (s *SQL) Count(ctx context.Context) (int64, error) {
	if err := s.canList(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, countTimeout)
	defer cancel()
	q := "SELECT COUNT(*) FROM (" + strings.TrimRight(strings.TrimSpace(s.listQuery), ";") + ") AS listed"
	var n int64
	if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, s.listErr(ctx, err)
	}
	return n, nil
}

// canList says why this source cannot list, if it cannot.
func (s *SQL) canList() error {
	if s.listQuery == "" {
		return fmt.Errorf("%s source %w: it has no list query (list_query: the lookup query's SELECT list with the slug first, without the WHERE)", s.driver, ErrCannotList)
	}
	if s.closed.Load() {
		return fmt.Errorf("%w: %s source is closed", ErrUnavailable, s.driver)
	}
	return nil
}

// listErr adds context to a failed listing, keeps a cancelled ctx
// visible (the driver may report its own "interrupted" instead) and marks
// the failures a retry may cure with ErrUnavailable, as Lookup does.
func (s *SQL) listErr(ctx context.Context, err error) error {
	err = fmt.Errorf("%s source: list query: %w", s.driver, err)
	if ctxErr := ctx.Err(); ctxErr != nil {
		if !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		return err
	}
	if s.closed.Load() || transientSQLError(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}
