package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// HTTPConfig says where and how an HTTP source fetches a card's data.
type HTTPConfig struct {
	// URL is a template in which {slug} is replaced by the escaped slug,
	// e.g. https://cms.example.com/api/articles/{slug}.
	URL string
	// Fields maps a layout field to a path into the JSON response: keys
	// separated by dots, numeric parts indexing arrays, as in
	// "data.attributes.title" or "images.0.url".
	Fields map[string]string
	// Headers are sent with every request (an Authorization token, say).
	Headers map[string]string
	// Timeout bounds a whole lookup, body included; zero means 3s.
	Timeout time.Duration
	// MaxBytes bounds the response body; zero means 1 MiB.
	MaxBytes int64
	// Client sends the requests; nil means a client of its own.
	Client *http.Client
}

// Defaults for HTTPConfig: a card's data is a few fields, so a larger or
// slower answer means the URL points at the wrong thing or the API is
// struggling, and waiting longer would only hold a render worker.
const (
	defaultHTTPTimeout  = 3 * time.Second
	defaultHTTPMaxBytes = 1 << 20
)

// HTTP is a Source that fetches one JSON document per lookup. It is safe
// for concurrent use.
type HTTP struct {
	url      string
	fields   map[string][]string
	headers  map[string]string
	timeout  time.Duration
	maxBytes int64
	client   *http.Client
	// ownClient is set when NewHTTP made client, and so may close it.
	ownClient bool
}

var _ Source = (*HTTP)(nil)

// NewHTTP checks cfg and returns a source for it.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	if err := checkHTTPURL(cfg.URL); err != nil {
		return nil, err
	}
	fields, err := parseFieldPaths(cfg.Fields)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 || cfg.MaxBytes < 0 {
		return nil, errors.New("http source: timeout and maxBytes must not be negative")
	}
	h := &HTTP{
		url: cfg.URL, fields: fields, headers: cfg.Headers,
		timeout: cfg.Timeout, maxBytes: cfg.MaxBytes, client: cfg.Client,
	}
	if h.timeout == 0 {
		h.timeout = defaultHTTPTimeout
	}
	if h.maxBytes == 0 {
		h.maxBytes = defaultHTTPMaxBytes
	}
	if h.client == nil {
		h.client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		h.ownClient = true
	}
	return h, nil
}

// Close closes the idle connections of the client NewHTTP made; a client
// passed in HTTPConfig is the caller's to close.
func (h *HTTP) Close() error {
	if h.ownClient {
		h.client.CloseIdleConnections()
	}
	return nil
}

// checkHTTPURL catches a template that cannot work before the first
// request does.
func checkHTTPURL(tmpl string) error {
	if !strings.Contains(tmpl, "{slug}") {
		return fmt.Errorf("http source: url %q has no {slug}", tmpl)
	}
	u, err := url.Parse(strings.ReplaceAll(tmpl, "{slug}", "x"))
	if err != nil {
		return fmt.Errorf("http source: url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("http source: url %q must be an absolute http or https URL", tmpl)
	}
	return nil
}

// parseFieldPaths splits every path at its dots.
func parseFieldPaths(fields map[string]string) (map[string][]string, error) {
	if len(fields) == 0 {
		return nil, errors.New("http source: no fields mapped")
	}
	paths := make(map[string][]string, len(fields))
	for field, path := range fields {
		if field == "" {
			return nil, fmt.Errorf("http source: empty field name for path %q", path)
		}
		parts := strings.Split(path, ".")
		for _, p := range parts {
			if p == "" {
				return nil, fmt.Errorf("http source: field %q: bad path %q", field, path)
			}
		}
		paths[field] = parts
	}
	return paths, nil
}

// Lookup fetches the document for slug and picks the mapped fields out of
// it.
func (h *HTTP) Lookup(ctx context.Context, slug string) (engine.Data, error) {
	// "." and ".." would survive escaping and be read as path steps by
	// the server or a proxy in front of it, reaching another resource.
	if slug == "" || slug == "." || slug == ".." {
		return nil, fmt.Errorf("http source: slug %q: %w", slug, ErrNotFound)
	}
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	doc, err := h.fetch(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("http source: slug %q: %w", slug, err)
	}
	data := make(engine.Data, len(h.fields))
	for field, path := range h.fields {
		if v, ok := jsonScalar(lookupPath(doc, path)); ok {
			data[field] = v
		}
	}
	return data, nil
}

// fetch GETs and decodes the document for slug.
func (h *HTTP) fetch(ctx context.Context, slug string) (any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.requestURL(slug), nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range h.headers {
		req.Header.Set(k, v)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		// Connection refused, reset, DNS, TLS handshake, timeout: the
		// API is not answering.
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	if err := statusErr(resp); err != nil {
		return nil, err
	}
	body, err := h.readBody(resp)
	if err != nil {
		return nil, err
	}
	return decodeJSON(body)
}

// requestURL fills the template with slug escaped so that it stays one
// path segment: "/" and "?" cannot change the path or start a query.
func (h *HTTP) requestURL(slug string) string {
	return strings.ReplaceAll(h.url, "{slug}", escapeSlug(slug))
}

// escapeSlug escapes every byte but the unreserved ones of RFC 3986, so
// the result is safe in a path segment and in a query value alike
// (url.PathEscape leaves "&" and "=" alone, which would split a query).
func escapeSlug(slug string) string {
	return strings.ReplaceAll(url.QueryEscape(slug), "+", "%20")
}

// statusErr maps a non-2xx status to an error.
func statusErr(resp *http.Response) error {
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusNotFound, code == http.StatusGone:
		return fmt.Errorf("status %s: %w", resp.Status, ErrNotFound)
	case code >= 500, code == http.StatusTooManyRequests, code == http.StatusRequestTimeout:
		return fmt.Errorf("%w: status %s", ErrUnavailable, resp.Status)
	default:
		return fmt.Errorf("status %s", resp.Status)
	}
}

// readBody reads at most maxBytes; a body cut off in transfer (the
// timeout, a reset) is an outage, one too large is a misconfiguration.
func (h *HTTP) readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > h.maxBytes {
		return nil, fmt.Errorf("body of %d bytes is over the limit of %d", resp.ContentLength, h.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, h.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read body: %w", ErrUnavailable, err)
	}
	if int64(len(body)) > h.maxBytes {
		return nil, fmt.Errorf("body is over the limit of %d bytes", h.maxBytes)
	}
	return body, nil
}

// decodeJSON decodes body keeping numbers as json.Number, so that an ID
// or a price reaches the card exactly as the API wrote it.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	return doc, nil
}
