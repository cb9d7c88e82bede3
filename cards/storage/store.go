package storage

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// readAttempts is how often Get reads a key whose metadata and data do
// not match before giving up: a concurrent Put explains a mismatch that
// goes away on the next read.
const readAttempts = 3

// Store reads and writes verified objects in a bucket, under a prefix.
type Store struct {
	bucket *blob.Bucket
	prefix string
}

// NewStore returns a Store over b that puts prefix (such as "cards/")
// before every key. The Store owns b: Close closes it.
func NewStore(b *blob.Bucket, prefix string) *Store {
	return &Store{bucket: b, prefix: prefix}
}

// Close closes the underlying bucket.
func (s *Store) Close() error {
	return s.bucket.Close()
}

// Put stores data and meta under key, replacing any object there. A
// reader sees the old object or the new one, never a part.
func (s *Store) Put(ctx context.Context, key string, data []byte, meta Meta) error {
	k, err := s.path(key)
	if err != nil {
		return err
	}
	meta, err = meta.normalize()
	if err != nil {
		return fmt.Errorf("put %q: %w", key, err)
	}
	// ContentMD5 makes S3 reject a body damaged on the way.
	sum := md5.Sum(data)
	opts := &blob.WriterOptions{
		ContentType:  meta.ContentType,
		CacheControl: meta.CacheControl,
		Metadata:     metadata(meta, data),
		ContentMD5:   sum[:],
	}
	if err := s.bucket.WriteAll(ctx, k, data, opts); err != nil {
		return fmt.Errorf("%w: put %q: %w", ErrUnavailable, key, err)
	}
	return nil
}

// Get returns the data and Meta stored under key. A miss, and an object
// that fails verification (which Get deletes), wrap ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) ([]byte, Meta, error) {
	k, err := s.path(key)
	if err != nil {
		return nil, Meta{}, err
	}
	for attempt := 1; ; attempt++ {
		data, meta, err := s.read(ctx, k)
		if err == nil {
			return data, meta, nil
		}
		if !retryable(err) {
			return nil, Meta{}, fmt.Errorf("get %q: %w", key, err)
		}
		if attempt == readAttempts {
			return nil, Meta{}, s.giveUp(ctx, key, k, err)
		}
		if err := pause(ctx, attempt); err != nil {
			return nil, Meta{}, fmt.Errorf("%w: get %q: %w", ErrUnavailable, key, err)
		}
	}
}

// Exists reports whether key holds an object with the Store's checksum
// and the recorded length (a half-written fileblob sidecar counts as
// absent). It reads no data, so Get may still find the
// object corrupt.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	k, err := s.path(key)
	if err != nil {
		return false, err
	}
	attrs, err := s.bucket.Attributes(ctx, k)
	if err != nil {
		err = classify(err)
		if errors.Is(err, ErrNotFound) || errors.Is(err, errTorn) {
			return false, nil
		}
		return false, fmt.Errorf("exists %q: %w", key, err)
	}
	_, err = expected(attrs)
	return err == nil, nil
}

// read makes one attempt at key: metadata first, then the data, which
// must hash to the checksum in that metadata.
func (s *Store) read(ctx context.Context, k string) ([]byte, Meta, error) {
	attrs, err := s.bucket.Attributes(ctx, k)
	if err != nil {
		return nil, Meta{}, classify(err)
	}
	want, err := expected(attrs)
	if err != nil {
		return nil, Meta{}, s.settled(ctx, k, attrs, err)
	}
	data, err := s.readData(ctx, k, attrs)
	if err != nil {
		return nil, Meta{}, err
	}
	meta := metaOf(attrs)
	if digest(meta, data) != want {
		err := fmt.Errorf("%w (%d bytes)", errMismatch, len(data))
		return nil, Meta{}, s.settled(ctx, k, attrs, err)
	}
	return data, meta, nil
}

// readData reads the object at k, which must be the version attrs
// describe: a different size or time means a Put replaced it since.
func (s *Store) readData(ctx context.Context, k string, attrs *blob.Attributes) ([]byte, error) {
	r, err := s.bucket.NewReader(ctx, k, nil)
	if err != nil {
		return nil, classify(err)
	}
	defer r.Close()
	if r.Size() != attrs.Size || !r.ModTime().Equal(attrs.ModTime) {
		return nil, fmt.Errorf("%w: %d bytes, %d expected", errRace, r.Size(), attrs.Size)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, classify(err)
	}
	return data, nil
}

// settled returns mismatch if the object at k still has the attributes
// it had before the failed read, or errRace if a Put replaced it in
// between: then the data and metadata read were of two versions, and
// deleting the object would throw away a good card.
func (s *Store) settled(ctx context.Context, k string, before *blob.Attributes, mismatch error) error {
	after, err := s.bucket.Attributes(ctx, k)
	if err != nil {
		return classify(err)
	}
	if after.ETag != before.ETag || !after.ModTime.Equal(before.ModTime) ||
		after.Size != before.Size || after.Metadata[sumKey] != before.Metadata[sumKey] {
		return fmt.Errorf("%w: %w", errRace, mismatch)
	}
	return mismatch
}

// giveUp ends a Get whose reads kept failing, as a miss. An object that
// stayed put and still failed its checksum is corrupt and deleted, so it
// is rewritten; one that kept changing, or whose fileblob sidecar stayed
// torn, is left to the Puts rewriting it.
func (s *Store) giveUp(ctx context.Context, key, k string, cause error) error {
	if !errors.Is(cause, errMismatch) || errors.Is(cause, errRace) {
		return fmt.Errorf("%w: get %q: %w", ErrNotFound, key, cause)
	}
	err := s.bucket.Delete(ctx, k)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("%w: get %q: corrupt (%w), and deleting it failed: %w", ErrNotFound, key, cause, err)
	}
	return fmt.Errorf("%w: get %q: corrupt object deleted: %w", ErrNotFound, key, cause)
}

// path returns the bucket key for key.
func (s *Store) path(key string) (string, error) {
	if key == "" {
		return "", errors.New("storage: empty key")
	}
	return s.prefix + key, nil
}
