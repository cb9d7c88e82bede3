package fetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxRedirects is how many redirects a download follows; each hop is
// checked again (scheme and allow-list here, address by the dialer).
const maxRedirects = 3

// newClient returns the default client: every connection made by the
// guarded dialer, no proxy, HTTP/1.1 only, TLS verification on.
func newClient(dial *dialGuard, timeout time.Duration) *http.Client {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	return &http.Client{
		// No Client.Timeout: LoadImage's context deadline covers the
		// whole download, connect to last byte, for every client.
		Transport: &http.Transport{
			// Proxy stays nil: a proxy from HTTP_PROXY would make the
			// dialer check the proxy's address instead of the target's.
			Proxy:       nil,
			DialContext: dial.DialContext,
			// HTTP/2 would be the only way a connection serves more than
			// the host:port it was dialed (and checked) for; HTTP/1.1
			// pools strictly by scheme and host:port, and photos gain
			// nothing from multiplexing.
			Protocols:              &protocols,
			TLSHandshakeTimeout:    timeout,
			ResponseHeaderTimeout:  timeout,
			MaxResponseHeaderBytes: 64 << 10,
			// Pictures are compressed already; transparent gzip would
			// only add a decompression step to attack.
			DisableCompression: true,
			MaxIdleConns:       64,
			IdleConnTimeout:    30 * time.Second,
		},
	}
}

// withRedirectChecks returns a copy of c whose redirects pass checkURL
// and stop after maxRedirects, whatever c's own CheckRedirect allows; a
// caller's client keeps its transport and its own redirect check.
func (l *Loader) withRedirectChecks(c *http.Client) *http.Client {
	checked := *c
	own := c.CheckRedirect
	checked.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			code := http.StatusFound
			if req.Response != nil {
				code = req.Response.StatusCode
			}
			return failf(&StatusError{Code: code}, "more than %d redirects: http %d", maxRedirects, code)
		}
		if err := l.checkURL(req.URL); err != nil {
			return err
		}
		if own != nil {
			return own(req, via)
		}
		return nil
	}
	return &checked
}

// get downloads u's body; the caller closes it.
func (l *Loader) get(ctx context.Context, u *url.URL) (io.ReadCloser, error) {
	if err := l.checkURL(u); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, blockedf("invalid URL: %w", err)
	}
	req.Header.Set("Accept", "image/webp,image/png,image/jpeg,image/gif;q=0.8")
	req.Header.Set("User-Agent", "ogcard (+https://github.com/ogcard/ogcard)")
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, l.doError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close()
		return nil, &StatusError{Code: resp.StatusCode}
	}
	if resp.ContentLength > l.opts.MaxBytes {
		_ = resp.Body.Close()
		return nil, failf(ErrTooLarge, "too large: %d bytes, the limit is %d", resp.ContentLength, l.opts.MaxBytes)
	}
	return resp.Body, nil
}

// doError classifies a failed request, dropping the method and URL that
// net/http puts in front (the caller logs the URL already).
func (l *Loader) doError(ctx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var kinded *kindError
	switch {
	case errors.Is(err, ErrBlocked) && errors.As(err, &kinded):
		return kinded // "blocked: 10.0.0.5 is a private address", without "dial tcp ..."
	case errors.Is(err, ErrBlocked):
		return err
	case errors.As(err, new(*StatusError)):
		return err
	case ctx.Err() != nil:
		return l.ctxError(ctx)
	case ue != nil && ue.Timeout():
		return failf(ErrTimeout, "timed out: %w", err)
	}
	return failf(ErrNetwork, "%w", err)
}
