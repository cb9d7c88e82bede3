// Package server is ogcard's HTTP service: `ogcard serve`.
//
// [New] builds a Server from one validated [Config] (defaults < YAML <
// OGCARD_* environment < flags, see [Load]): it compiles the layouts,
// opens the data sources (package source) and the card store (package
// storage), and wires the Echo routes: /api/v1/og/{layout}/{slug},
// signed /og/{layout}.{ext}, /preview, /healthz, /readyz and /metrics.
//
// A card request goes lookup → cache (a byte-bounded memory LRU, then the
// store, keyed by the content hash of engine.Template.CacheKey) → render
// on a miss. Identical concurrent misses render once (singleflight), on a
// bounded pool that answers 503 when full; a store outage only costs
// renders. Layouts hot-reload from disk: a whole new set is compiled and
// swapped in atomically, and a broken file keeps its last good version.
//
// Errors: handlers return errors, and one HTTPErrorHandler maps them to a
// status and a short public message (404 unknown layout or slug, 400 bad
// data, 403 bad signature, 429 rate limited, 503 with Retry-After for a
// busy pool or a source that is down; anything unexpected is a logged 500
// with a generic message).
//
// Concurrency: a Server is safe for concurrent use; the live layout set
// is immutable and read through an atomic pointer.
package server
