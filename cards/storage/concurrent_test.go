package storage

import (
	"bytes"
	"errors"
	"maps"
	"sync"
	"sync/atomic"
	"testing"

	"gocloud.dev/blob"
)

// version is one whole card a writer stores.
type version struct {
	data []byte
	meta Meta
}

// twoVersions differ in every byte, in length and in every Meta field,
// so any mix of the two is visible.
var twoVersions = []version{
	{bytes.Repeat([]byte{'a'}, 40<<10), Meta{ContentType: "image/png", CacheControl: "max-age=1", Attributes: map[string]string{"v": "a"}}},
	{bytes.Repeat([]byte{'b'}, 24<<10), Meta{ContentType: "image/webp", CacheControl: "max-age=2", Attributes: map[string]string{"v": "b"}}},
}

// testConcurrent races Puts of two versions of one key against Gets and
// checks that each Get returns one version whole, or a miss.
func testConcurrent(t *testing.T, s *Store, _ *blob.Bucket, _ string) {
	const writers, writes, readers = 2, 30, 4
	ctx := t.Context()
	if err := s.Put(ctx, "k", twoVersions[0].data, twoVersions[0].meta); err != nil {
		t.Fatalf("Put: %v", err)
	}
	var hits, misses atomic.Int64
	done := make(chan struct{})
	var wg, writing sync.WaitGroup
	for w := range writers {
		writing.Go(func() {
			for i := range writes {
				v := twoVersions[(w+i)%2]
				if err := s.Put(ctx, "k", v.data, v.meta); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			// Bounded, and at least one read even if the writers are fast.
			for i := 0; i < 1000; i++ {
				if !readOne(t, s, &hits, &misses) {
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	writing.Wait()
	close(done)
	wg.Wait()
	t.Logf("%d whole versions read, %d misses", hits.Load(), misses.Load())
	if hits.Load() == 0 {
		t.Errorf("no Get succeeded while writers ran")
	}
	// Whatever the race left, the key works afterwards.
	v := twoVersions[1]
	if err := s.Put(ctx, "k", v.data, v.meta); err != nil {
		t.Fatalf("final Put: %v", err)
	}
	if got, _, err := s.Get(ctx, "k"); err != nil || !bytes.Equal(got, v.data) {
		t.Errorf("final Get = %d bytes, %v; want version b", len(got), err)
	}
}

// readOne does one Get and checks what it returned; false ends the
// reader after a failure.
func readOne(t *testing.T, s *Store, hits, misses *atomic.Int64) bool {
	data, meta, err := s.Get(t.Context(), "k")
	switch {
	case errors.Is(err, ErrNotFound):
		misses.Add(1)
		return true
	case err != nil:
		t.Errorf("Get: %v", err)
		return false
	}
	for _, v := range twoVersions {
		if bytes.Equal(data, v.data) {
			if !sameMeta(meta, v.meta) {
				t.Errorf("Get mixed versions: data %q... with meta %+v", data[:1], meta)
				return false
			}
			hits.Add(1)
			return true
		}
	}
	t.Errorf("Get returned %d bytes that are neither version", len(data))
	return false
}

func sameMeta(a, b Meta) bool {
	return a.ContentType == b.ContentType && a.CacheControl == b.CacheControl && maps.Equal(a.Attributes, b.Attributes)
}
