package s3test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob"
)

// TestSharedBucket has two independent clients use one server's bucket,
// as two ogcard processes will: what one writes, the other reads.
func TestSharedBucket(t *testing.T) {
	srv := Start(t)
	ctx := t.Context()
	a, b := open(t, srv.URL), open(t, srv.URL)
	if err := a.WriteAll(ctx, "cards/k", []byte("card"), &blob.WriterOptions{ContentType: "image/png"}); err != nil {
		t.Fatalf("write through client a: %v", err)
	}
	got, err := b.ReadAll(ctx, "cards/k")
	if err != nil || !bytes.Equal(got, []byte("card")) {
		t.Fatalf("read through client b = %q, %v; want %q", got, err, "card")
	}
	// The POSIX backend maps the object to a file, which proves the data
	// went through this server and not somewhere else.
	if _, err := os.Stat(filepath.Join(srv.Dir, srv.Bucket, "cards", "k")); err != nil {
		t.Errorf("object not in the backend dir: %v", err)
	}
	if got := os.Getenv("AWS_ACCESS_KEY_ID"); got != srv.AccessKey {
		t.Errorf("AWS_ACCESS_KEY_ID = %q, want the server's key", got)
	}
}

// TestWrongCredentials checks that the server really authenticates, so
// the other tests pass because of Start's credentials, not despite them.
func TestWrongCredentials(t *testing.T) {
	srv := Start(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
	err := open(t, srv.URL).WriteAll(t.Context(), "k", []byte("x"), nil)
	if err == nil {
		t.Fatal("write with a wrong secret succeeded")
	}
}

// TestStop checks that a stopped server refuses connections and that
// stopping twice is harmless.
func TestStop(t *testing.T) {
	srv := Start(t)
	srv.Stop()
	srv.Stop()
	c := &http.Client{Timeout: time.Second}
	if resp, err := c.Get(srv.Endpoint); err == nil {
		resp.Body.Close()
		t.Fatalf("server still answers after Stop")
	}
}

// TestLookBinary checks the fallback to GOPATH/bin when versitygw is not
// on PATH, and the error when it is nowhere.
func TestLookBinary(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	gopath := t.TempDir()
	t.Setenv("GOBIN", "")
	t.Setenv("GOPATH", gopath)
	t.Setenv("PATH", filepath.Dir(goBin))
	if _, err := lookBinary(); err == nil {
		t.Fatal("lookBinary found versitygw in an empty GOPATH")
	}
	want := filepath.Join(gopath, "bin", Binary)
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := lookBinary(); err != nil || got != want {
		t.Errorf("lookBinary() = %q, %v; want %q", got, err, want)
	}
}

func open(t *testing.T, url string) *blob.Bucket {
	t.Helper()
	b, err := blob.OpenBucket(t.Context(), url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
