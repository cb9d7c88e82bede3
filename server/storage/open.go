package storage

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/blob/s3blob"
)

// Open opens the bucket that url names:
//
//   - file:///abs/dir, or relative as file://./dir (also file://dir): a
//     directory, made absolute against the working directory and created
//     if missing. Temporary files are written inside it (no_tmp_dir), so
//     the final rename never crosses file systems.
//   - mem://: a new, empty in-memory bucket, for tests.
//   - s3://bucket?region=R: AWS S3. For an S3-compatible server add
//     endpoint=http://host:port and use_path_style=true. Credentials come
//     from the AWS SDK's usual chain: AWS_ACCESS_KEY_ID and
//     AWS_SECRET_ACCESS_KEY, shared config files, or instance roles. See
//     gocloud.dev/aws.V2ConfigFromURLParams for the other parameters.
//
// Open does not contact the store; the first Get or Put does.
func Open(ctx context.Context, url string) (*blob.Bucket, error) {
	u, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	b, err := blob.OpenBucket(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return b, nil
}

// parseURL checks the scheme and rewrites file URLs into the absolute,
// created directory that fileblob needs.
func parseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("open store: parse url: %w", err)
	}
	switch u.Scheme {
	case fileblob.Scheme:
		return fileURL(u)
	case memblob.Scheme, s3blob.Scheme:
		return raw, nil
	case "":
		return "", fmt.Errorf("open store %q: no scheme (want file://, mem:// or s3://)", raw)
	default:
		return "", fmt.Errorf("open store %q: unsupported scheme %q (want file, mem or s3)", raw, u.Scheme)
	}
}

// fileURL returns u as file:///absolute/dir with no_tmp_dir set, after
// creating the directory. fileblob itself only reads relative paths from
// file://./dir and silently drops any other host, so file://data/cards
// would become /cards; here the host is taken as the path's first
// element instead, which is what such a URL's author meant.
func fileURL(u *url.URL) (string, error) {
	dir := u.Path
	switch u.Host {
	case "", "localhost":
	case ".":
		dir = strings.TrimPrefix(dir, "/")
	default:
		dir = u.Host + dir
	}
	if dir == "" {
		return "", fmt.Errorf("open store %q: no directory", u.Redacted())
	}
	abs, err := filepath.Abs(filepath.FromSlash(dir))
	if err != nil {
		return "", fmt.Errorf("open store %q: %w", u.Redacted(), err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("open store: create directory: %w", err)
	}
	q := u.Query()
	if !q.Has("no_tmp_dir") {
		// The default temp dir may be another file system (a tmpfs /tmp),
		// where rename fails; next to the object it is always the same.
		q.Set("no_tmp_dir", "true")
	}
	out := url.URL{Scheme: fileblob.Scheme, Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return out.String(), nil
}
