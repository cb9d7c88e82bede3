package fetch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// Options bound what a Loader fetches and from where. Zero fields take
// the defaults, which are the safe settings for a public server.
type Options struct {
	Timeout    time.Duration // whole download, connect to last byte; default 10s
	MaxBytes   int64         // largest accepted file; default 15 MB
	MaxPixels  int           // largest accepted picture; default engine.DefaultMaxPixels
	AllowFiles bool          // accept any local path and file:// URL (the CLI does, the server does not)
	FileRoot   string        // accept local paths and file:// URLs inside this folder only (the server's data folder)

	// AllowHosts, if not empty, limits http(s) downloads to these hosts:
	// exact names ("cdn.example.com") or "*.example.com", which matches
	// any name below example.com but not example.com itself. Matching
	// ignores case and a trailing dot. Redirects must stay on the list.
	// Listed hosts must still resolve to public addresses.
	AllowHosts []string

	// AllowLoopback admits loopback addresses (127.0.0.0/8, ::1) and
	// "localhost", for tests and local demos against a server on the same
	// machine. UNSAFE in production: anyone who can name a picture URL
	// could then reach every service listening on the server's loopback
	// interface (admin ports, databases, sidecars).
	AllowLoopback bool

	// AllowPrivate admits private addresses (10/8, 172.16/12, 192.168/16,
	// 100.64/10, fc00::/7), for pictures on an intranet. UNSAFE on a
	// public server: it exposes the internal network to anyone who can
	// name a picture URL. Link-local and cloud metadata addresses stay
	// denied even so.
	AllowPrivate bool

	// Client replaces the default HTTP client. The Loader still checks
	// scheme, allow-list and redirect count, but the address check lives
	// in the default client's dialer: a custom client must refuse
	// private addresses itself.
	Client *http.Client
}

// Loader loads pictures by reference. It implements engine.ImageLoader
// and is safe for concurrent use.
type Loader struct {
	opts   Options
	hosts  hostList
	dial   *dialGuard
	client *http.Client
}

var _ engine.ImageLoader = (*Loader)(nil)

// New returns a Loader with opts' zero fields set to the defaults.
func New(opts Options) *Loader {
	return newLoader(opts, testHooks{})
}

func newLoader(opts Options, hooks testHooks) *Loader {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 15 << 20
	}
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = engine.DefaultMaxPixels
	}
	l := &Loader{opts: opts, hosts: newHostList(opts.AllowHosts)}
	l.dial = newDialGuard(addrPolicy{allowLoopback: opts.AllowLoopback, allowPrivate: opts.AllowPrivate}, hooks, opts.Timeout)
	client := opts.Client
	if client == nil {
		client = newClient(l.dial, opts.Timeout)
	}
	l.client = l.withRedirectChecks(client)
	return l
}

// headerBytes is how much DecodeImage peeks at for a picture's header.
// It wraps its reader in a default bufio.Reader, which can peek 4 KB
// only, so a JPEG with more EXIF or ICC data before its frame header
// would fail as "unexpected EOF"; given a *bufio.Reader this large it
// uses it as is.
const headerBytes = 64 << 10

// errOwnDeadline marks the Loader's own Timeout firing, as opposed to the
// caller's deadline.
var errOwnDeadline = errors.New("download deadline")

// LoadImage fetches and decodes the picture ref names: an http(s) URL, or
// a local path or file:// URL if the options allow files. It is decoded
// for the size hint gives (engine.DecodeImageFor). Its errors carry a
// short message and a kind for [Reason].
func (l *Loader) LoadImage(ctx context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, l.opts.Timeout, errOwnDeadline)
	defer cancel()
	body, err := l.open(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer body.Close() //nolint:errcheck // read-only stream: a close error changes nothing
	r := &capReader{r: body, left: l.opts.MaxBytes}
	img, err := engine.DecodeImageFor(bufio.NewReaderSize(r, headerBytes), l.opts.MaxPixels, hint)
	switch {
	case r.over:
		return nil, failf(ErrTooLarge, "too large: over %d bytes", l.opts.MaxBytes)
	case err == nil:
		return img, nil
	case ctx.Err() != nil:
		return nil, l.ctxError(ctx)
	case r.err != nil:
		return nil, r.err
	case errors.Is(err, engine.ErrTooManyPixels), errors.Is(err, engine.ErrUnsupportedImage):
		return nil, err
	}
	return nil, failf(ErrDecode, "corrupt picture: %w", err)
}

// ctxError says which deadline ended the download, or that the caller
// gave up (which is no fault of the picture: Reason "other").
func (l *Loader) ctxError(ctx context.Context) error {
	switch {
	case errors.Is(context.Cause(ctx), errOwnDeadline):
		return failf(ErrTimeout, "timed out after %v", l.opts.Timeout)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return failf(ErrTimeout, "timed out: %w", ctx.Err())
	}
	return fmt.Errorf("gave up: %w", ctx.Err())
}

// open returns the picture's bytes as a stream whose read errors are
// tagged ErrNetwork or ErrFile.
func (l *Loader) open(ctx context.Context, ref string) (io.ReadCloser, error) {
	u, err := url.Parse(ref)
	isURL := err == nil && u.Scheme != "" && len(u.Scheme) > 1 // "C:" is a drive, not a scheme
	var body io.ReadCloser
	kind := ErrFile
	switch {
	case isURL && (u.Scheme == "http" || u.Scheme == "https"):
		body, err = l.get(ctx, u)
		kind = ErrNetwork
	case isURL && u.Scheme == "file":
		body, err = l.openFile(u.Path)
	case isURL:
		return nil, blockedf("unsupported URL scheme %q", u.Scheme)
	default:
		body, err = l.openFile(ref)
	}
	if err != nil {
		return nil, err
	}
	return taggedBody{ReadCloser: body, kind: kind}, nil
}

// taggedBody marks read errors other than EOF with kind, so that a reset
// connection is not reported as a corrupt picture.
type taggedBody struct {
	io.ReadCloser
	kind error
}

func (t taggedBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = failf(t.kind, "reading: %w", err)
	}
	return n, err
}

// capReader reads at most left bytes, notes an attempt to read more, and
// keeps the first read error that is not EOF, since decoders may hide it
// behind their own "unexpected EOF".
type capReader struct {
	r    io.Reader
	left int64
	over bool
	err  error
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
	if err != nil && !errors.Is(err, io.EOF) && c.err == nil {
		c.err = err
	}
	return n, err
}
