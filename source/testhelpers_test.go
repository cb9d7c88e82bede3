package source

import (
	"context"
	"errors"
	"maps"
	"net"
	"reflect"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

// demoSource returns a source on the package's demo database.
func demoSource(t *testing.T) *SQL {
	t.Helper()
	dsn, err := CreateDemo(demoDir)
	if err != nil {
		t.Fatalf("CreateDemo: %v", err)
	}
	return openSQL(t, SQLConfig{Driver: "sqlite", DSN: dsn, Query: DemoQuery})
}

func openSQL(t *testing.T, cfg SQLConfig) *SQL {
	t.Helper()
	s, err := NewSQL(cfg)
	if err != nil {
		t.Fatalf("NewSQL: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustLookup(t *testing.T, s Source, slug string) engine.Data {
	t.Helper()
	data, err := s.Lookup(context.Background(), slug)
	if err != nil {
		t.Fatalf("Lookup(%q): %v", slug, err)
	}
	return data
}

func assertData(t *testing.T, got, want engine.Data) {
	t.Helper()
	if !maps.EqualFunc(got, want, reflect.DeepEqual) {
		t.Errorf("data:\n got %#v\nwant %#v", got, want)
	}
}

// assertKind checks that err wraps want (ErrNotFound or ErrUnavailable)
// and not the other one; a nil want means neither.
func assertKind(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %v", want)
	}
	t.Logf("err: %v", err)
	for _, kind := range []error{ErrNotFound, ErrUnavailable} {
		if errors.Is(err, kind) != (kind == want) { //nolint:errorlint // compares two sentinels, not an error
			t.Errorf("errors.Is(%q, %q) = %v", err, kind, kind != want) //nolint:errorlint // sentinels
		}
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
