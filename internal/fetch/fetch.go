package fetch

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// Options bound what a Loader fetches. Zero fields take the defaults.
type Options struct {
	Timeout    time.Duration // whole download, connect to last byte; default 10s
	MaxBytes   int64         // largest accepted file; default 15 MB
	MaxPixels  int           // largest accepted picture; default engine.DefaultMaxPixels
	AllowFiles bool          // accept any local path and file:// URL (the CLI does, the server does not)
	FileRoot   string        // accept local paths and file:// URLs inside this folder only (the server's data folder)
	Client     *http.Client  // default: a client with the timeout above and at most 3 redirects
}

// Loader loads pictures by reference. It implements engine.ImageLoader.
type Loader struct {
	opts Options
}

var _ engine.ImageLoader = (*Loader)(nil)

// New returns a Loader with opts' zero fields set to the defaults.
func New(opts Options) *Loader {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 15 << 20
	}
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = engine.DefaultMaxPixels
	}
	if opts.Client == nil {
		opts.Client = &http.Client{
			Timeout: opts.Timeout,
			CheckRedirect: func(_ *http.Request, via []*http.Request) error {
				if len(via) >= 3 {
					return errors.New("more than 3 redirects")
				}
				return nil
			},
		}
	}
	return &Loader{opts: opts}
}

// ErrTooLarge is returned for a file over the byte cap.
var ErrTooLarge = errors.New("too large")

// LoadImage fetches and decodes the picture ref names.
func (l *Loader) LoadImage(ctx context.Context, ref string) (image.Image, error) {
	ctx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
	defer cancel()
	body, err := l.open(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer body.Close() //nolint:errcheck // read-only stream: a close error changes nothing
	r := &capReader{r: body, left: l.opts.MaxBytes}
	img, err := engine.DecodeImage(r, l.opts.MaxPixels)
	if r.over {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, l.opts.MaxBytes)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("timed out after %v", l.opts.Timeout)
	}
	return img, err
}

// open returns the picture's bytes as a stream.
func (l *Loader) open(ctx context.Context, ref string) (io.ReadCloser, error) {
	u, err := url.Parse(ref)
	isURL := err == nil && u.Scheme != "" && len(u.Scheme) > 1 // "C:" is a drive, not a scheme
	switch {
	case isURL && (u.Scheme == "http" || u.Scheme == "https"):
		return l.get(ctx, u)
	case isURL && u.Scheme == "file":
		return l.openFile(u.Path)
	case !isURL:
		return l.openFile(ref)
	case isURL:
		return nil, fmt.Errorf("unsupported URL scheme %q", u.Scheme)
	default:
		return nil, errors.New("not an http(s) URL")
	}
}

func (l *Loader) get(ctx context.Context, u *url.URL) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/webp,image/png,image/jpeg,image/gif;q=0.8")
	req.Header.Set("User-Agent", "ogcard (+https://github.com/ogcard/ogcard)")
	resp, err := l.opts.Client.Do(req)
	if err != nil {
		return nil, shortHTTPError(err)
	}
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("http %d", resp.StatusCode)
	}
	if resp.ContentLength > l.opts.MaxBytes {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, resp.ContentLength, l.opts.MaxBytes)
	}
	return resp.Body, nil
}

// openFile opens a local picture if the options allow that path: any
// path with AllowFiles, else only paths inside FileRoot (after cleaning,
// so "root/../etc/passwd" stays out).
func (l *Loader) openFile(path string) (io.ReadCloser, error) {
	if l.opts.AllowFiles {
		return os.Open(path)
	}
	if l.opts.FileRoot == "" {
		return nil, errors.New("local files are not allowed")
	}
	root, err := filepath.Abs(l.opts.FileRoot)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, errors.New("local file outside the allowed folder")
	}
	return os.Open(abs)
}

// shortHTTPError drops the method and URL net/http puts in front.
func shortHTTPError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timed out")
		}
		return ue.Err
	}
	return err
}

// capReader reads at most left bytes and notes an attempt to read more.
type capReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			c.over = true
			return 0, ErrTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
