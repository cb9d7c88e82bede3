// Package storage keeps rendered cards in an object store, so a card
// rendered once is served again after a restart and by every replica
// that shares the bucket.
//
// Open turns a URL into a gocloud.dev/blob bucket: file:///abs/dir (or a
// relative file://./dir, made absolute and created if missing), mem://
// for tests, and s3://bucket?region=...&endpoint=...&use_path_style=true
// for AWS S3 or any S3-compatible server. The file, mem and s3 drivers are
// linked in here, so callers import nothing else.
//
// Store wraps a bucket with the card cache's contract:
//
//   - Get returns the exact bytes and Meta that one Put stored, or an
//     error. Put records the length of the data and a SHA-256 over the
//     data and the Meta in the object's metadata, and Get verifies both,
//     so a truncated, torn or foreign object, or one version's Meta with
//     another's data, is never returned: Get reports it as a miss and
//     deletes it, and the caller renders and stores the card again.
//   - Errors wrap ErrNotFound (a miss: render, then Put) or
//     ErrUnavailable (the store failed or is down: render anyway, and do
//     not expect Put to work). A caller's cancelled context also shows as
//     ErrUnavailable, with context.Canceled or DeadlineExceeded still in
//     the chain. Programming errors (an empty key, a reserved attribute
//     name) wrap neither.
//
// # Concurrency
//
// A Store and its bucket are safe for concurrent use, by goroutines and
// by processes sharing a bucket. Writes replace an object whole: S3 PUTs
// are atomic, and fileblob renames a finished temporary file over the
// old one. Metadata is read with a second request (S3) or from a
// sidecar file (fileblob) that a concurrent Put may be rewriting, so Get
// may see the metadata of one version beside the data of another; the
// checksum catches that, Get reads again, and only an object that still
// fails is deleted. A Get racing with Puts of the same key therefore
// returns one whole version or a miss, never a mix. Racing Puts of the
// same key leave one of them, whole.
package storage
