package storage

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/ogcard/ogcard/internal/testrig/s3test"
)

// backend names a kind of bucket. setup runs once in the backend's
// subtest and returns how to open a fresh bucket for each case in it.
type backend struct {
	name  string
	setup func(t *testing.T) func(t *testing.T) *blob.Bucket
}

// backends returns mem://, file:// in a temp dir and a real S3 bucket on
// versitygw. The S3 server is shared by the backend's cases (each writes
// under its own prefix) and sets AWS credentials with t.Setenv, so none
// of these tests may be parallel.
func backends() []backend {
	return []backend{
		{"mem", func(*testing.T) func(*testing.T) *blob.Bucket {
			return func(t *testing.T) *blob.Bucket { return mustOpen(t, "mem://") }
		}},
		{"file", func(*testing.T) func(*testing.T) *blob.Bucket {
			return func(t *testing.T) *blob.Bucket { return mustOpen(t, "file://"+t.TempDir()) }
		}},
		{"s3", func(t *testing.T) func(*testing.T) *blob.Bucket {
			url := s3test.BucketURL(t)
			return func(t *testing.T) *blob.Bucket { return mustOpen(t, url) }
		}},
	}
}

// mustOpen opens url and closes it when t ends.
func mustOpen(t *testing.T, url string) *blob.Bucket {
	t.Helper()
	b, err := Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open(%q): %v", url, err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// storeCase is one behaviour every backend must have. The Store writes
// under prefix in b, which the case may also use directly.
type storeCase struct {
	name string
	run  func(t *testing.T, s *Store, b *blob.Bucket, prefix string)
}

// TestStore runs every case against every backend.
func TestStore(t *testing.T) {
	cases := []storeCase{
		{"RoundTrip", testRoundTrip},
		{"Miss", testMiss},
		{"Overwrite", testOverwrite},
		{"Prefix", testPrefix},
		{"CorruptGarbage", testCorruptGarbage},
		{"CorruptTruncated", testCorruptTruncated},
		{"CorruptFlipped", testCorruptFlipped},
		{"CorruptMeta", testCorruptMeta},
		{"DefaultContentType", testDefaultContentType},
		{"Concurrent", testConcurrent},
	}
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			open := be.setup(t)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					b := open(t)
					prefix := strings.ToLower(c.name) + "/"
					// Not closed: the cleanup in mustOpen closes b.
					c.run(t, NewStore(b, prefix), b, prefix)
				})
			}
		})
	}
}

var pngMeta = Meta{
	ContentType:  "image/png",
	CacheControl: "public, max-age=31536000, immutable",
	Attributes:   map[string]string{"layout": "article", "width": "1200"},
}

func testRoundTrip(t *testing.T, s *Store, _ *blob.Bucket, _ string) {
	ctx := t.Context()
	data := []byte("\x89PNG\r\n\x1a\n card bytes")
	in := pngMeta
	in.Attributes = map[string]string{"Layout": "article", "width": "1200"}
	if err := s.Put(ctx, "k1", data, in); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, meta, err := s.Get(ctx, "k1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("Get data = %q, want %q", got, data)
	}
	// "Layout" comes back lowercased, and no ogcard- key leaks out.
	assertMeta(t, meta, pngMeta)
	if ok, err := s.Exists(ctx, "k1"); !ok || err != nil {
		t.Errorf("Exists = %v, %v; want true, nil", ok, err)
	}
}

func testMiss(t *testing.T, s *Store, _ *blob.Bucket, _ string) {
	ctx := t.Context()
	_, _, err := s.Get(ctx, "absent")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
		t.Errorf("Get(absent) error = %v; want ErrNotFound only", err)
	}
	if ok, err := s.Exists(ctx, "absent"); ok || err != nil {
		t.Errorf("Exists(absent) = %v, %v; want false, nil", ok, err)
	}
}

func testOverwrite(t *testing.T, s *Store, _ *blob.Bucket, _ string) {
	ctx := t.Context()
	if err := s.Put(ctx, "k", []byte("first, longer version"), pngMeta); err != nil {
		t.Fatalf("Put 1: %v", err)
	}
	second := Meta{ContentType: "image/webp", CacheControl: "public, max-age=300"}
	if err := s.Put(ctx, "k", []byte("second"), second); err != nil {
		t.Fatalf("Put 2: %v", err)
	}
	got, meta, err := s.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if string(got) != "second" {
		t.Errorf("Get data = %q, want %q", got, "second")
	}
	// The first version's attributes must not survive the overwrite.
	assertMeta(t, meta, second)
}

func testPrefix(t *testing.T, s *Store, b *blob.Bucket, prefix string) {
	ctx := t.Context()
	if err := s.Put(ctx, "k", []byte("x"), pngMeta); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if ok, err := b.Exists(ctx, prefix+"k"); !ok || err != nil {
		t.Errorf("bucket.Exists(%q) = %v, %v; want true, nil", prefix+"k", ok, err)
	}
	if ok, _ := b.Exists(ctx, "k"); ok {
		t.Errorf("key %q written without the prefix", "k")
	}
}

// testCorruptGarbage writes bytes straight through the bucket, with no
// checksum, as another program or a bug might.
func testCorruptGarbage(t *testing.T, s *Store, b *blob.Bucket, prefix string) {
	ctx := t.Context()
	if err := b.WriteAll(ctx, prefix+"k", []byte("not a card"), nil); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	if ok, err := s.Exists(ctx, "k"); ok || err != nil {
		t.Errorf("Exists(garbage) = %v, %v; want false, nil", ok, err)
	}
	assertCorruptMiss(t, s, b, prefix)
}

// testCorruptTruncated keeps a good object's metadata but cuts its data,
// as an interrupted non-atomic copy would.
func testCorruptTruncated(t *testing.T, s *Store, b *blob.Bucket, prefix string) {
	data := bytes.Repeat([]byte("card"), 1000)
	rewrite(t, s, b, prefix, data, data[:len(data)/2])
	assertCorruptMiss(t, s, b, prefix)
}

// testCorruptFlipped keeps the length and metadata but changes a byte,
// which only the checksum can catch.
func testCorruptFlipped(t *testing.T, s *Store, b *blob.Bucket, prefix string) {
	data := bytes.Repeat([]byte("card"), 1000)
	bad := bytes.Clone(data)
	bad[len(bad)/2] ^= 0xff
	rewrite(t, s, b, prefix, data, bad)
	assertCorruptMiss(t, s, b, prefix)
}

// testCorruptMeta keeps the data and its checksum but changes the Cache-
// Control, as if metadata of two versions were mixed: the checksum covers
// Meta too.
func testCorruptMeta(t *testing.T, s *Store, b *blob.Bucket, prefix string) {
	ctx := t.Context()
	data := []byte("card")
	if err := s.Put(ctx, "k", data, pngMeta); err != nil {
		t.Fatalf("Put: %v", err)
	}
	attrs, err := b.Attributes(ctx, prefix+"k")
	if err != nil {
		t.Fatalf("Attributes: %v", err)
	}
	opts := &blob.WriterOptions{ContentType: attrs.ContentType, CacheControl: "no-store", Metadata: attrs.Metadata}
	if err := b.WriteAll(ctx, prefix+"k", data, opts); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	assertCorruptMiss(t, s, b, prefix)
}

// testDefaultContentType checks that an empty ContentType is stored as
// application/octet-stream, not sniffed (which would break the checksum).
func testDefaultContentType(t *testing.T, s *Store, _ *blob.Bucket, _ string) {
	ctx := t.Context()
	if err := s.Put(ctx, "k", []byte("<html>sniffable</html>"), Meta{CacheControl: " max-age=60 "}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	_, meta, err := s.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	assertMeta(t, meta, Meta{ContentType: "application/octet-stream", CacheControl: "max-age=60"})
}

// rewrite stores good with Put, then replaces its bytes with bad under
// the same metadata, behind the Store's back.
func rewrite(t *testing.T, s *Store, b *blob.Bucket, prefix string, good, bad []byte) {
	t.Helper()
	ctx := t.Context()
	if err := s.Put(ctx, "k", good, pngMeta); err != nil {
		t.Fatalf("Put: %v", err)
	}
	attrs, err := b.Attributes(ctx, prefix+"k")
	if err != nil {
		t.Fatalf("Attributes: %v", err)
	}
	opts := &blob.WriterOptions{ContentType: attrs.ContentType, Metadata: attrs.Metadata}
	if err := b.WriteAll(ctx, prefix+"k", bad, opts); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
}

// assertCorruptMiss checks that Get reports the object at k as a miss
// and deletes it.
func assertCorruptMiss(t *testing.T, s *Store, b *blob.Bucket, prefix string) {
	t.Helper()
	ctx := t.Context()
	data, _, err := s.Get(ctx, "k")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get(corrupt) = %q, %v; want ErrNotFound", data, err)
	}
	if ok, err := b.Exists(ctx, prefix+"k"); ok || err != nil {
		t.Errorf("corrupt object still there after Get: Exists = %v, %v", ok, err)
	}
}

// assertMeta compares Meta field by field, a nil and an empty
// Attributes map being equal.
func assertMeta(t *testing.T, got, want Meta) {
	t.Helper()
	if got.ContentType != want.ContentType || got.CacheControl != want.CacheControl {
		t.Errorf("Meta = %q, %q; want %q, %q", got.ContentType, got.CacheControl, want.ContentType, want.CacheControl)
	}
	if !maps.Equal(got.Attributes, want.Attributes) {
		t.Errorf("Meta.Attributes = %v, want %v", got.Attributes, want.Attributes)
	}
}

// shortCtx bounds a test's calls to a store that may not answer.
func shortCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
