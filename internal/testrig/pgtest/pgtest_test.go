package pgtest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestNew checks that each call gets its own empty, usable database and
// that the database is gone once its test ends.
func TestNew(t *testing.T) {
	probe, err := connectAdmin()
	if err != nil {
		New(t) // skips, or fails under CI, as every user of New does
		return
	}
	closeConn(probe.conn)
	var names []string
	for i := range 2 {
		t.Run("db", func(t *testing.T) {
			conn := connectTo(t, New(t))
			var name string
			if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Exec(context.Background(), "CREATE TABLE t (x int)"); err != nil {
				t.Fatalf("database %d: %v", i, err)
			}
			names = append(names, name)
			// Left open on purpose: the cleanup must drop a database
			// that still has sessions.
		})
	}
	if len(names) != 2 || names[0] == names[1] || names[0] == "postgres" {
		t.Fatalf("databases %q, want two different new ones", names)
	}
	admin, err := connectAdmin()
	if err != nil {
		t.Fatal(err)
	}
	defer closeConn(admin.conn)
	for _, name := range names {
		var n int
		err := admin.conn.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
		if err != nil || n != 0 {
			t.Errorf("database %s after its test: count %d, err %v; want it dropped", name, n, err)
		}
	}
}

func connectTo(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := connect(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
			"postgres://postgres@127.0.0.1:5432/ogcard_test_x?sslmode=disable"},
		{"postgresql://u:p%40ss@db/admin", "postgresql://u:p%40ss@db/ogcard_test_x"},
		{"host=/var/run/postgresql user=postgres dbname=postgres",
			"host=/var/run/postgresql user=postgres dbname=postgres dbname=ogcard_test_x"},
	} {
		got, err := withDatabase(tc.dsn, "ogcard_test_x")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
		// What counts is what the driver makes of it.
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Database != "ogcard_test_x" {
			t.Errorf("%q parses to database %v (%v)", got, cfg, err)
		}
	}
}

// The skip message is what a newcomer reads first: it must name the
// variable and the commands, not just the dial error.
func TestNoServerMessageSaysWhatToRun(t *testing.T) {
	msg := noServerMessage(errors.New("dial tcp 127.0.0.1:5432: connection refused"))
	for _, want := range []string{"connection refused", EnvDSN, "apt-get install -y postgresql", "127.0.0.1/32 trust", "pg_ctlcluster"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}
