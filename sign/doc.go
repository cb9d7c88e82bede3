// Package sign signs and verifies ogcard's /og/ URLs: a card whose data is
// the query string, accepted only with an HMAC-SHA256 signature in the
// sig parameter. It depends on the standard library alone, so a Go site
// can import it to sign its URLs without pulling in the server:
//
//	u, err := sign.Sign("/og/news.png?title=Hello&brand=Daily", key)
//
// The signed message is the path and the parameters in a canonical form
// (sorted, RFC 3986 percent-encoded), so any client can compute it; the
// README gives recipes for other languages. Several keys may verify at
// once, for rotation; the first signs.
//
// Errors: ErrBadQuery for a query that cannot be read one way only (a
// parameter given twice, an empty or malformed parameter), which the
// server answers 400; ErrBadSignature for a missing or wrong signature
// (403).
//
// Concurrency: every function is safe for concurrent use.
package sign
