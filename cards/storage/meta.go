package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gocloud.dev/blob"
)

// Metadata keys the Store reserves for itself. S3 lowercases metadata
// keys, so they are lowercase to read back the same everywhere.
const (
	reserved = "ogcard-"
	sumKey   = reserved + "sha256"
	sizeKey  = reserved + "size"
)

// defaultContentType is stored for an empty Meta.ContentType, rather than
// letting the driver sniff one, so that what is hashed is what is stored.
const defaultContentType = "application/octet-stream"

// Meta is what a stored card carries besides its bytes.
type Meta struct {
	// ContentType is the MIME type; empty is stored as
	// application/octet-stream.
	ContentType string
	// CacheControl is kept for serving the object, e.g. from a CDN.
	CacheControl string
	// Attributes are user metadata, valid UTF-8. Keys are lowercased on
	// Put, as S3 does, and must not start with "ogcard-". Keep them short:
	// S3 caps all metadata of an object at 2 KB.
	Attributes map[string]string
}

// normalize returns m as the backends give it back: HTTP headers lose
// surrounding spaces and S3 lowercases metadata keys. An attribute the
// Store cannot round-trip is an error.
func (m Meta) normalize() (Meta, error) {
	n := Meta{ContentType: strings.TrimSpace(m.ContentType), CacheControl: strings.TrimSpace(m.CacheControl)}
	if n.ContentType == "" {
		n.ContentType = defaultContentType
	}
	for k, v := range m.Attributes {
		k = strings.ToLower(k)
		switch {
		case k == "":
			return Meta{}, fmt.Errorf("attribute with an empty name")
		case strings.HasPrefix(k, reserved):
			return Meta{}, fmt.Errorf("attribute %q: the %s prefix is reserved", k, reserved)
		case !utf8.ValidString(k) || !utf8.ValidString(v):
			return Meta{}, fmt.Errorf("attribute %q: not valid UTF-8", k)
		}
		if n.Attributes == nil {
			n.Attributes = make(map[string]string, len(m.Attributes))
		}
		n.Attributes[k] = v
	}
	return n, nil
}

// metadata returns the object metadata for a normalized m and data.
func metadata(m Meta, data []byte) map[string]string {
	md := make(map[string]string, len(m.Attributes)+2)
	for k, v := range m.Attributes {
		md[k] = v
	}
	md[sumKey] = digest(m, data)
	md[sizeKey] = strconv.Itoa(len(data))
	return md
}

// digest hashes m and data together, so that the metadata of one
// version beside the data of another fails verification too. Fields are
// length-prefixed so no two different inputs hash the same bytes.
func digest(m Meta, data []byte) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field(m.ContentType)
	field(m.CacheControl)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range m.Attributes {
			if !yield(k) {
				return
			}
		}
	})
	fmt.Fprintf(h, "%d:", len(keys))
	for _, k := range keys {
		field(k)
		field(m.Attributes[k])
	}
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// metaOf returns the Meta in attrs, without the Store's own keys.
func metaOf(attrs *blob.Attributes) Meta {
	m := Meta{ContentType: attrs.ContentType, CacheControl: attrs.CacheControl}
	for k, v := range attrs.Metadata {
		if strings.HasPrefix(k, reserved) {
			continue
		}
		if m.Attributes == nil {
			m.Attributes = make(map[string]string, len(attrs.Metadata))
		}
		m.Attributes[k] = v
	}
	return m
}

// expected returns the checksum attrs promise, or errMismatch when they
// lack one or the object's size differs from the recorded length (no
// need to read data that cannot match).
func expected(attrs *blob.Attributes) (string, error) {
	want := attrs.Metadata[sumKey]
	size, err := strconv.ParseInt(attrs.Metadata[sizeKey], 10, 64)
	switch {
	case len(want) != sha256.Size*2:
		return "", fmt.Errorf("%w: no checksum in metadata", errMismatch)
	case err != nil:
		return "", fmt.Errorf("%w: no length in metadata", errMismatch)
	case size != attrs.Size:
		return "", fmt.Errorf("%w: %d bytes, %d recorded", errMismatch, attrs.Size, size)
	}
	return want, nil
}
