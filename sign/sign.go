package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// SignatureParam is the query parameter that carries a URL's signature.
const SignatureParam = "sig"

var (
	// ErrBadSignature is returned for a URL without a valid signature.
	ErrBadSignature = errors.New("missing or invalid signature")
	// ErrBadQuery is returned for a query string that cannot be signed
	// or verified unambiguously: a parameter given twice, an empty
	// parameter, or a malformed percent-escape. Accepting them would let
	// one signature serve several cards, or endless spellings of one URL
	// that each miss a CDN's cache.
	ErrBadQuery = errors.New("malformed query")
)

// Params are a URL's parameters, each given once.
type Params map[string]string

// ParseQuery parses a raw query string strictly: every parameter once,
// each written name=value, every percent-escape well formed. Errors wrap
// ErrBadQuery and name the parameter.
func ParseQuery(rawQuery string) (Params, error) {
	p := Params{}
	if rawQuery == "" {
		return p, nil
	}
	for _, pair := range strings.Split(rawQuery, "&") {
		rawName, rawValue, ok := strings.Cut(pair, "=")
		if !ok || rawName == "" {
			return nil, fmt.Errorf("%w: %q is not name=value", ErrBadQuery, pair)
		}
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%w: parameter %q: bad percent-escape", ErrBadQuery, rawName)
		}
		if _, dup := p[name]; dup {
			return nil, fmt.Errorf("%w: parameter %q is given more than once", ErrBadQuery, name)
		}
		p[name] = value
	}
	return p, nil
}

// canonical is what gets signed: the path, then, if there are parameters
// other than the signature, a "?" and each written as name=value with
// both percent-encoded by RFC 3986 (everything but A-Z a-z 0-9 - . _ ~
// becomes %XX, a space %20), the pairs sorted as strings and joined with
// &. It is rebuilt from the decoded query, so a client may encode its URL
// any way it likes; it only has to sign this form (PHP's rawurlencode,
// Python's quote(v, safe="~"), JavaScript's encodeURIComponent plus
// escaping !'()*).
func canonical(path string, params Params) string {
	pairs := make([]string, 0, len(params))
	for k, v := range params {
		if k != SignatureParam {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	if len(pairs) == 0 {
		return path
	}
	slices.Sort(pairs)
	return path + "?" + strings.Join(pairs, "&")
}

// escape percent-encodes all but RFC 3986's unreserved characters.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func mac(key, msg string) string {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// Sign returns rawURL (a path with an optional query) with its signature
// added as the sig parameter, made with key. A query that ParseQuery
// refuses is refused here too (ErrBadQuery), so that no URL is signed
// that the server would not serve.
func Sign(rawURL, key string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	params, err := ParseQuery(u.RawQuery)
	if err != nil {
		return "", err
	}
	delete(params, SignatureParam)
	sig := mac(key, canonical(u.EscapedPath(), params))
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set(SignatureParam, sig)
	u.RawQuery = q.Encode()
	return u.RequestURI(), nil
}

// Verify checks the signature of a request's path and raw query against
// every key, so several keys can be active during a rotation, and returns
// the parameters it verified, without the signature: a caller uses these
// and nothing else. A malformed query is ErrBadQuery; a missing or wrong
// signature ErrBadSignature.
func Verify(escapedPath, rawQuery string, keys []string) (Params, error) {
	params, err := ParseQuery(rawQuery)
	if err != nil {
		return nil, err
	}
	sig := params[SignatureParam]
	if sig == "" || len(keys) == 0 {
		return nil, ErrBadSignature
	}
	delete(params, SignatureParam)
	msg := canonical(escapedPath, params)
	for _, k := range keys {
		if hmac.Equal([]byte(sig), []byte(mac(k, msg))) {
			return params, nil
		}
	}
	return nil, ErrBadSignature
}
