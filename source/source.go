// Package source looks up the data of a card by slug: in a SQL database
// (SQLite through a pure-Go driver, or PostgreSQL through pgx), in a
// MongoDB collection (the official driver) or from an HTTP JSON API. The
// server configures one source per layout.
//
// Lookup errors say what the server should answer: ErrNotFound for 404,
// ErrUnavailable for 503 (a database that is down, locked or slower than
// the source's timeout; an API answering 5xx or not at all), anything else
// for 500. CreateDemo makes a small SQLite database, with photos, for a
// first start without any configuration.
package source

import (
	"context"
	"errors"

	"github.com/ogcard/ogcard/engine"
)

// Source finds a card's data by its slug. Implementations are safe for
// concurrent use.
type Source interface {
	// Lookup returns the data for slug. It returns an error wrapping
	// ErrNotFound when there is no such slug (the server answers 404), and
	// one wrapping ErrUnavailable when the source is down or too slow (503
	// with Retry-After). Any other error is a bug or a misconfiguration.
	Lookup(ctx context.Context, slug string) (engine.Data, error)
	// Close releases connections.
	Close() error
}

// ErrNotFound means the slug does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnavailable means the source could not answer now.
var ErrUnavailable = errors.New("data source unavailable")

// Checker is a Source that can tell whether it is able to answer now,
// for /readyz. It is optional: a source that cannot tell is assumed up.
type Checker interface {
	// Check returns an error, wrapping ErrUnavailable when the source is
	// down, unreachable or too slow.
	Check(ctx context.Context) error
}
