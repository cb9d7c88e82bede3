// Package pgtest gives tests a fresh PostgreSQL database of their own on a
// real server.
//
// The server is the one named by OGCARD_TEST_POSTGRES (a DSN to a database
// the user can create databases from, such as postgres), or else a local
// one reached as user postgres over TCP 127.0.0.1:5432 or the Unix socket
// in /var/run/postgresql. With no server, tests skip, except under CI
// (env CI set), where a missing server is a failure rather than a silently
// untested driver.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the variable that points the tests at a PostgreSQL server.
const EnvDSN = "OGCARD_TEST_POSTGRES"

// localDSNs are tried in order when EnvDSN is not set: what a Debian
// postgresql package with trust authentication on loopback answers.
var localDSNs = []string{
	"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
	"host=/var/run/postgresql user=postgres dbname=postgres",
}

// connectTimeout bounds each connection attempt, so that a firewalled
// address costs a test seconds, not minutes.
const connectTimeout = 5 * time.Second

// LocalSetup is what to run, as root on Debian, for a local server the
// tests reach without a password: the same steps as .ci/run's PostgreSQL
// block (trust on the Unix socket and loopback only).
const LocalSetup = `apt-get install -y postgresql
pgver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust' >/etc/postgresql/$pgver/main/pg_hba.conf
pg_ctlcluster $pgver main restart`

// noServerMessage says why there is no server and how to get one.
func noServerMessage(err error) string {
	return fmt.Sprintf("pgtest: no PostgreSQL server: %v\n"+
		"Point %s at one (a DSN to a database you can create databases from), or run as root:\n%s",
		err, EnvDSN, LocalSetup)
}

// New creates a database with a random name for the test, drops it when
// the test ends, and returns a DSN for it.
func New(t testing.TB) (dsn string) {
	t.Helper()
	admin, err := connectAdmin()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(noServerMessage(err))
		}
		t.Skip(noServerMessage(err))
	}
	name, err := createDatabase(admin.conn)
	closeConn(admin.conn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(admin.dsn, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	dsn, err = withDatabase(admin.dsn, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// adminConn is a connection to the server's admin database and the DSN
// that made it.
type adminConn struct {
	conn *pgx.Conn
	dsn  string
}

// connectAdmin connects to the first server that answers.
func connectAdmin() (adminConn, error) {
	candidates := localDSNs
	if env := os.Getenv(EnvDSN); env != "" {
		// Set on purpose: falling back to another server would test the
		// wrong one.
		candidates = []string{env}
	}
	var errs []error
	for _, dsn := range candidates {
		conn, err := connect(dsn)
		if err == nil {
			return adminConn{conn: conn, dsn: dsn}, nil
		}
		errs = append(errs, err)
	}
	return adminConn{}, errors.Join(errs...)
}

func connect(dsn string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connect %q: %w", dsn, err)
	}
	return conn, nil
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	conn.Close(ctx)
}

// createDatabase creates a database named ogcard_test_ and 12 random hex
// digits, so parallel tests and packages, and leftovers of a killed run,
// never collide.
func createDatabase(conn *pgx.Conn) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random name: %w", err)
	}
	name := "ogcard_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return name, nil
}

// dropDatabase drops name, ending the sessions the test left open (a
// connection pool it did not close) rather than failing on them.
func dropDatabase(adminDSN, name string) error {
	conn, err := connect(adminDSN)
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	defer closeConn(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// WITH (FORCE) needs PostgreSQL 13 or later.
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// withDatabase returns dsn pointing at database name instead, in the same
// form: a URL gets a new path, a keyword/value string a later dbname
// (which wins over an earlier one).
func withDatabase(dsn, name string) (string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " dbname=" + name, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parse dsn: %w", err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}
