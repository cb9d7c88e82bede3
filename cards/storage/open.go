package storage

import (
	"strconv"

	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	gcaws "gocloud.dev/aws"

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
	if strings.HasPrefix(u, s3blob.Scheme+"://") {
		return openS3(ctx, u)
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

// s3MaxAttempts bounds the AWS SDK's tries per call. Its default (3,
// with back-off) let a refused connection hold a request until its
// deadline; one retry rides out a dropped connection, and the card
// pipeline's circuit breaker handles an outage.
const s3MaxAttempts = 2

// openS3 opens an s3:// URL as s3blob's URL opener does, with the SDK's
// retries bounded: the opener takes no client options, so the few lines
// that build its client are repeated here. The parameters are s3blob's:
// use_path_style (or s3ForcePathStyle), disable_https, accelerate, and
// those of gocloud.dev/aws.V2ConfigFromURLParams (region, endpoint,
// profile, ...).
func openS3(ctx context.Context, raw string) (*blob.Bucket, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	q := u.Query()
	opts := []func(*s3.Options){func(o *s3.Options) { o.RetryMaxAttempts = s3MaxAttempts }}
	for _, key := range []string{"use_path_style", "s3ForcePathStyle", "disable_https", "accelerate"} {
		v := q.Get(key)
		if v == "" {
			continue
		}
		q.Del(key)
		on, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("open store: %s: %w", key, err)
		}
		opts = append(opts, func(o *s3.Options) {
			switch key {
			case "disable_https":
				o.EndpointOptions.DisableHTTPS = on
			case "accelerate":
				o.UseAccelerate = on
			default:
				o.UsePathStyle = on
			}
		})
	}
	cfg, err := gcaws.V2ConfigFromURLParams(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", u.Redacted(), err)
	}
	b, err := s3blob.OpenBucket(ctx, s3.NewFromConfig(cfg, opts...), u.Host, &s3blob.Options{RequestChecksumCalculation: cfg.RequestChecksumCalculation})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return b, nil
}
