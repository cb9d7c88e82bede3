package source

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// transientSQLError reports whether err says the database could not answer
// now (down, restarting, overloaded, locked) rather than that the query or
// the configuration is wrong.
func transientSQLError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Checked first: a failed login is a ConnectError wrapping a
		// PgError, and a wrong password is no outage.
		return transientPgCode(pgErr.Code)
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return transientSQLiteCode(sqliteErr.Code())
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// The server closed the connection mid-query.
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	return pgconn.Timeout(err) || pgconn.SafeToRetry(err)
}

// transientPgCode reports whether a PostgreSQL SQLSTATE is an outage:
// class 08 (connection exception), class 53 (insufficient resources, such
// as too many connections) and 57P01-57P05 (shutdown, cannot connect now,
// idle session timeout).
func transientPgCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"):
		return true
	case strings.HasPrefix(code, "57P"):
		return true
	}
	return false
}

// SQLite primary result codes (sqlite3.h); the driver reports extended
// codes, whose low byte is the primary one.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteCantOpen = 14
)

// transientSQLiteCode reports whether an SQLite error may go away on its
// own: another process holds a lock, or the file is briefly unreadable
// (a volume being remounted, a file being replaced).
func transientSQLiteCode(code int) bool {
	switch code & 0xff {
	case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteCantOpen:
		return true
	}
	return false
}
