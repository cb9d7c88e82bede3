package server

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

// ErrBadSignature is returned for a /og/ URL without a valid signature.
var ErrBadSignature = errors.New("missing or invalid signature")

// canonical is what gets signed: the path, a "?", then the parameters
// other than the signature, each written as name=value with both
// percent-encoded by RFC 3986 (everything but A-Z a-z 0-9 - . _ ~ becomes
// %XX, a space %20), the pairs sorted as strings and joined with &. It is
// rebuilt from the decoded query, so a client may encode its URL any
// way it likes; it only has to sign this form (PHP's rawurlencode,
// Python's quote(v, safe="~"), JavaScript's encodeURIComponent plus
// escaping !'()*).
func canonical(path string, query url.Values) string {
	var pairs []string
	for k, vs := range query {
		if k == SignatureParam {
			continue
		}
		for _, v := range vs {
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
// added as the sig parameter, made with key.
func Sign(rawURL, key string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Del(SignatureParam)
	q.Set(SignatureParam, mac(key, canonical(u.EscapedPath(), q)))
	u.RawQuery = q.Encode()
	return u.RequestURI(), nil
}

// Verify checks the signature of a request's path and query against
// every key, so several keys can be active during a rotation.
func Verify(escapedPath string, query url.Values, keys []string) error {
	sig := query.Get(SignatureParam)
	if sig == "" || len(keys) == 0 {
		return ErrBadSignature
	}
	msg := canonical(escapedPath, query)
	for _, k := range keys {
		if hmac.Equal([]byte(sig), []byte(mac(k, msg))) {
			return nil
		}
	}
	return ErrBadSignature
}

// splitExt splits "news.png" into "news" and the format's extension.
func splitExt(name string) (base, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}
