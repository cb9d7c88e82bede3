package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ogcard/ogcard/internal/testrig/s3test"
)

// TestOpenRelativeFile checks that relative file URLs land under the
// working directory, created on demand.
func TestOpenRelativeFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tc := range []struct{ url, dir string }{
		{"file://./data/cards", "data/cards"},
		{"file://data/other", "data/other"},
	} {
		b := mustOpen(t, tc.url)
		if err := NewStore(b, "").Put(t.Context(), "k", []byte("x"), Meta{}); err != nil {
			t.Fatalf("%s: Put: %v", tc.url, err)
		}
		if _, err := os.Stat(filepath.Join(dir, tc.dir, "k")); err != nil {
			t.Errorf("%s: object not under %s: %v", tc.url, tc.dir, err)
		}
	}
}

// TestOpenErrors checks that bad URLs fail at Open, not at first use.
func TestOpenErrors(t *testing.T) {
	for _, u := range []string{"", "cards", "gs://bucket", "ftp://host/dir", "file://", "%zz"} {
		if b, err := Open(t.Context(), u); err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded; want an error", u)
		}
	}
}

// TestBadArguments checks caller mistakes: they are neither a miss nor
// an outage, and write nothing.
func TestBadArguments(t *testing.T) {
	s := NewStore(mustOpen(t, "mem://"), "")
	ctx := t.Context()
	attrs := func(k, v string) Meta { return Meta{Attributes: map[string]string{k: v}} }
	for name, err := range map[string]error{
		"Put empty key":      s.Put(ctx, "", []byte("x"), Meta{}),
		"Put reserved attr":  s.Put(ctx, "k", []byte("x"), attrs("Ogcard-SHA256", "x")),
		"Put empty attr":     s.Put(ctx, "k", []byte("x"), attrs("", "x")),
		"Put non-UTF-8 attr": s.Put(ctx, "k", []byte("x"), attrs("a", "\xff")),
		"Get empty key":      second(s.Get(ctx, "")),
		"Exists empty key":   second2(s.Exists(ctx, "")),
		"Get after rejected": second(s.Get(ctx, "k")),
	} {
		wantMiss := name == "Get after rejected"
		if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) != wantMiss {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func second(_ []byte, _ Meta, err error) error { return err }
func second2(_ bool, err error) error          { return err }

// TestUnreachableS3 points the store at a closed loopback port: every
// call must fail as unavailable, within the caller's deadline.
func TestUnreachableS3(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "unused")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "unused")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	endpoint := "http://" + closedAddr(t)
	q := url.Values{"region": {"us-east-1"}, "endpoint": {endpoint}, "use_path_style": {"true"}}
	s := NewStore(mustOpen(t, "s3://cards?"+q.Encode()), "cards/")
	assertUnavailable(t, s)
}

// TestStoppedS3 stops a working S3 server mid-test, as an outage would.
func TestStoppedS3(t *testing.T) {
	srv := s3test.Start(t)
	s := NewStore(mustOpen(t, srv.URL), "cards/")
	if err := s.Put(t.Context(), "k", []byte("x"), Meta{}); err != nil {
		t.Fatalf("Put before stop: %v", err)
	}
	srv.Stop()
	assertUnavailable(t, s)
}

// assertUnavailable checks Get, Put and Exists against a dead store.
func assertUnavailable(t *testing.T, s *Store) {
	t.Helper()
	const limit = 500 * time.Millisecond
	calls := map[string]func() error{
		"Get":    func() error { return second(s.Get(shortCtx(t, limit), "k")) },
		"Put":    func() error { return s.Put(shortCtx(t, limit), "k", []byte("x"), Meta{}) },
		"Exists": func() error { return second2(s.Exists(shortCtx(t, limit), "k")) },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		if took := time.Since(start); took > limit+time.Second {
			t.Errorf("%s took %v; the deadline was %v", name, took, limit)
		}
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
			t.Errorf("%s error = %v; want ErrUnavailable only", name, err)
		}
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestTornSidecar makes fileblob's .attrs file half written, as a Put
// rewriting it in place leaves it for a moment: Get must report a miss
// and keep the object (the next Put repairs it).
func TestTornSidecar(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(mustOpen(t, "file://"+dir), "")
	ctx := t.Context()
	if err := s.Put(ctx, "k", []byte("card"), Meta{ContentType: "image/png"}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	sidecar := filepath.Join(dir, "k.attrs")
	full, err := os.ReadFile(sidecar)
	if err != nil {
		t.Fatalf("fileblob sidecar: %v", err)
	}
	if err := os.WriteFile(sidecar, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Get(ctx, "k")
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, errTorn) || errors.Is(err, ErrUnavailable) {
		t.Errorf("Get with torn sidecar: %v; want ErrNotFound (torn)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "k")); err != nil {
		t.Errorf("object deleted for a torn sidecar: %v", err)
	}
	if err := s.Put(ctx, "k", []byte("card"), Meta{ContentType: "image/png"}); err != nil {
		t.Fatalf("repairing Put: %v", err)
	}
	if _, _, err := s.Get(ctx, "k"); err != nil {
		t.Errorf("Get after repair: %v", err)
	}
}

// TestTorn pins which errors count as a torn sidecar: never a network
// error, whose EOF means the connection dropped.
func TestTorn(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&json.SyntaxError{}, true},
		{fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF), true},
		{io.EOF, true},
		{&url.Error{Op: "Head", URL: "http://127.0.0.1/", Err: io.EOF}, false},
		{errors.New("connection refused"), false},
	} {
		if got := torn(tc.err); got != tc.want {
			t.Errorf("torn(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
