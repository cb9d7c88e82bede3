// Package server is ogcard's HTTP service: `ogcard serve`.
//
// [New] builds a Server from one validated [Config] (defaults < YAML <
// OGCARD_* environment < flags, see [Load]): it builds the card pipeline
// (package cards: layouts, store, render pool), opens the data sources
// (package source, see [OpenSources]), and wires the Echo routes:
// /api/v1/og/{layout}/{slug}, signed /og/{layout}.{ext} (package sign),
// /preview, /healthz, /readyz and /metrics.
//
// A card request is a data lookup (the layout's source, or the verified
// query string), then cards.Pipeline.Card, which answers from memory, the
// store or a render; this package adds the response headers (a strong
// ETag, Cache-Control, Vary: Accept) and 304s.
//
// Errors: handlers return errors, and one HTTPErrorHandler maps them to a
// status and a short public message (404 unknown layout or slug, 400 bad
// data or a malformed query, 403 bad signature, 414 URL too long, 429
// rate limited, 503 with Retry-After in seconds for a busy pool or a source
// that is down; anything unexpected is a logged 500 with a generic
// message).
//
// Concurrency: a Server is safe for concurrent use.
package server
